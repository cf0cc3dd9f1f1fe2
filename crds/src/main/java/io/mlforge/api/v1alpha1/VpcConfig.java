package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** The VPC that SageMaker attaches its instances to. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VpcConfig {
    @Required
    @Size(min = 1, max = 5)
    @ValidationRule(
            value = "self.all(g, g.matches('^sg-[0-9a-z]+$'))",
            message = "security group IDs look like sg-0123456789abcdef0")
    @JsonPropertyDescription("Security group IDs (sg-...), 1 to 5.")
    public List<@Size(max = 32) String> securityGroupIds;

    @Required
    @Size(min = 1, max = 16)
    @ValidationRule(
            value = "self.all(s, s.matches('^subnet-[0-9a-z]+$'))",
            message = "subnet IDs look like subnet-0123456789abcdef0")
    @JsonPropertyDescription("Subnet IDs (subnet-...), 1 to 16.")
    public List<@Size(max = 32) String> subnets;
}
