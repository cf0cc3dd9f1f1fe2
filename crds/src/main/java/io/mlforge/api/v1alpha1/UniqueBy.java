package io.mlforge.api.v1alpha1;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The items of this list are unique by the given key fields: the generated CRD declares it
 * {@code x-kubernetes-list-type: map} keyed by them (no key fields: {@code set}, for lists of scalars). The API server
 * then rejects duplicates itself ({@code Duplicate value: ...}) at no CEL cost, and server-side apply merges the list
 * item by item, so a GitOps tool and the operator never overwrite each other's items.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface UniqueBy {
    /** The key fields (each required); empty for a set of scalars. */
    String[] value() default {};
}
