/**
 * The {@code mlforge.io/v1alpha1} API: {@link io.mlforge.api.v1alpha1.TrainingJob}, {@link io.mlforge.api.v1alpha1.TuningJob}
 * and {@link io.mlforge.api.v1alpha1.Endpoint}.
 *
 * <p>These classes are the single source of the CRDs: the fabric8 CRD generator turns them (descriptions, bounds,
 * patterns, defaults and CEL rules) into {@code apiextensions.k8s.io/v1} YAML at build time. They hold no logic.
 */
package io.mlforge.api.v1alpha1;
