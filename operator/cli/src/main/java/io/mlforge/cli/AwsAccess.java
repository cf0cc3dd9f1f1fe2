package io.mlforge.cli;

import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * How the CLI reaches AWS for a resource, as the operator does: the AWS default credential chain (environment,
 * profile, SSO, IRSA), then the resource's {@code sagemaker.assumeRoleArn} assumed through STS when it has one; the
 * region given on the command line, else the resource's, else the default region chain's.
 */
final class AwsAccess implements AutoCloseable {
    final Region region;
    final AwsCredentialsProvider credentials;
    private final StsClient sts;

    private AwsAccess(Region region, AwsCredentialsProvider credentials, StsClient sts) {
        this.region = region;
        this.credentials = credentials;
        this.sts = sts;
    }

    /** @param regions candidates in order (command line, status, spec); nulls are skipped */
    static AwsAccess of(String assumeRoleArn, String... regions) {
        String chosen = null;
        for (String r : regions) {
            if (r != null) {
                chosen = r;
                break;
            }
        }
        Region region = Region.of(
                chosen != null
                        ? chosen
                        : new DefaultAwsRegionProviderChain().getRegion().id());
        AwsCredentialsProvider credentials =
                DefaultCredentialsProvider.builder().build();
        if (assumeRoleArn == null) {
            return new AwsAccess(region, credentials, null);
        }
        StsClient sts = StsClient.builder()
                .region(region)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(credentials)
                .build();
        return new AwsAccess(
                region,
                StsAssumeRoleCredentialsProvider.builder()
                        .stsClient(sts)
                        .refreshRequest(r -> r.roleArn(assumeRoleArn)
                                .roleSessionName("kubectl-mlforge-"
                                        + UUID.randomUUID().toString().substring(0, 8)))
                        .build(),
                sts);
    }

    @Override
    public void close() {
        if (sts != null) {
            sts.close();
        }
    }
}
