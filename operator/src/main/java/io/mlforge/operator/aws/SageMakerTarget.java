package io.mlforge.operator.aws;

/**
 * Where a SageMaker call goes: a region, and optionally a role the operator assumes first (another account).
 * Rate limits, clients and batch polls are per target.
 */
public record SageMakerTarget(String region, String assumeRoleArn) {}
