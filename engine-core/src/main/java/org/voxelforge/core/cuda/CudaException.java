package org.voxelforge.core.cuda;

/** A CUDA, cuBLAS or cuDNN call returned an error status: names the call, the status name and its description. */
public final class CudaException extends RuntimeException {
    private final String call;
    private final int status;
    private final String statusName;

    public CudaException(String call, int status, String statusName, String description) {
        super(call + " failed: " + statusName + " (" + status + ")" + (description == null || description.isBlank() ? "" : ": " + description));
        this.call = call;
        this.status = status;
        this.statusName = statusName;
    }

    public String call() { return call; }

    public int status() { return status; }

    public String statusName() { return statusName; }
}
