package io.mlforge.api.v1alpha1;

/** How training data reaches the container (SageMaker's TrainingInputMode). */
public enum InputMode {
    /** Data is copied to /opt/ml/input/data/&lt;channel&gt; before training starts (both backends). */
    File,
    /** Data is streamed through a named pipe (SageMaker only). */
    Pipe,
    /** Data is mounted and fetched from S3 on first read (SageMaker only). */
    FastFile
}
