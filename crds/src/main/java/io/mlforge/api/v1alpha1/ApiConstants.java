package io.mlforge.api.v1alpha1;

/** Group, version and the patterns shared by the API types' schema annotations. */
public final class ApiConstants {
    public static final String GROUP = "mlforge.io";
    public static final String VERSION = "v1alpha1";
    public static final String API_VERSION = GROUP + "/" + VERSION;
    /** {@code kubectl get mlforge} lists every MLForge kind. */
    public static final String CATEGORY = "mlforge";

    /** {@code s3://bucket/key}: a bucket name as S3 accepts it, optionally followed by a key or prefix. */
    public static final String S3_URI = "^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$";
    /** An S3 URI, or {@code pvc://claim/path} for data on a PersistentVolumeClaim (in-cluster backend only). */
    public static final String S3_OR_PVC_URI =
            "^(s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?|pvc://[a-z0-9]([-a-z0-9]*[a-z0-9])?(/.*)?)$";
    /** SageMaker's pattern for execution role ARNs. */
    public static final String IAM_ROLE_ARN = "^arn:aws[a-z-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+$";
    /** AWS region names such as us-east-1, eu-central-2, us-gov-west-1. */
    public static final String AWS_REGION = "^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d$";
    /** Instance types: SageMaker's ml.* names; in the cluster the ml. prefix is dropped to match node labels. */
    public static final String INSTANCE_TYPE = "^[a-z0-9]+(\\.[a-z0-9-]+)+$";
    /** A Kubernetes object name (DNS-1123 subdomain). */
    public static final String DNS1123_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
    /** SageMaker's pattern for variant and endpoint names. */
    public static final String SAGEMAKER_NAME = "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$";
    /** An absolute path inside a container. */
    public static final String ABSOLUTE_PATH = "^/.*$";

    private ApiConstants() {}
}
