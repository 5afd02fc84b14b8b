package org.voxelforge.data.loader;

/** A sample that could not be made, naming its case. */
public final class SampleException extends RuntimeException {
    private final String caseId;

    public SampleException(String caseId, String where, Throwable cause) {
        super("case " + caseId + " (" + where + "): " + cause, cause);
        this.caseId = caseId;
    }

    public String caseId() { return caseId; }
}
