package io.mlforge.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/** A hyperparameter search: trials chosen by MLForge's optimizer, or a SageMaker hyperparameter tuning job. */
@Group(ApiConstants.GROUP)
@Version(ApiConstants.VERSION)
@Kind("TuningJob")
@Plural("tuningjobs")
@Singular("tuningjob")
@ShortNames("mltune")
@Categories(ApiConstants.CATEGORY)
@AdditionalPrinterColumn(name = "Phase", jsonPath = ".status.phase", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Backend", jsonPath = ".spec.backend", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Strategy", jsonPath = ".spec.strategy", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Best",
        jsonPath = ".status.bestTrial.objectiveValue",
        type = AdditionalPrinterColumn.Type.NUMBER)
@AdditionalPrinterColumn(
        name = "Front",
        jsonPath = ".status.paretoFrontSize",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
        name = "Succeeded",
        jsonPath = ".status.trialCounts.succeeded",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
        name = "Running",
        jsonPath = ".status.trialCounts.running",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
        name = "Failed",
        jsonPath = ".status.trialCounts.failed",
        type = AdditionalPrinterColumn.Type.INTEGER,
        priority = 1)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
@JsonClassDescription(
        "TuningJob is a hyperparameter search: trials chosen by MLForge's optimizer and run as child TrainingJobs (backend Kubernetes), or a SageMaker hyperparameter tuning job (backend SageMaker).")
public class TuningJob extends CustomResource<TuningJobSpec, TuningJobStatus> implements Namespaced {}
