package org.voxelforge.data.nifti;

import java.nio.ByteOrder;
import java.util.Arrays;
import org.voxelforge.data.orient.Affines;

/**
 * The fields of a NIfTI-1 or NIfTI-2 header, widened to one form (longs and doubles), and the
 * geometry derived from them the way nibabel derives it. Arrays are copied in and out.
 *
 * <p>{@code dim[0]} is the rank and {@code dim[1..rank]} the sizes, fastest-varying first on
 * disk. {@code pixdim[0]} is qfac; {@code pixdim[1..3]} the voxel sizes in {@link #spaceUnit()};
 * {@code pixdim[4]} the time step in {@link #timeUnit()}.
 */
public record NiftiHeader(
        int version, ByteOrder byteOrder,
        long[] dim, int datatype, int bitpix, double[] pixdim, long voxOffset,
        double sclSlope, double sclInter, double calMin, double calMax,
        double sliceDuration, double toffset, long sliceStart, long sliceEnd, int sliceCode,
        int xyztUnits, int intentCode, double intentP1, double intentP2, double intentP3, String intentName,
        int dimInfo, String descrip, String auxFile,
        int qformCode, int sformCode,
        double quaternB, double quaternC, double quaternD, double qoffsetX, double qoffsetY, double qoffsetZ,
        double[][] srow) {

    public NiftiHeader {
        if (dim.length != 8 || pixdim.length != 8) {
            throw new IllegalArgumentException("NIfTI header: dim and pixdim need 8 entries, got "
                    + dim.length + " and " + pixdim.length);
        }
        if (srow.length != 3 || srow[0].length != 4 || srow[1].length != 4 || srow[2].length != 4) {
            throw new IllegalArgumentException("NIfTI header: srow must be 3 rows of 4 values");
        }
        dim = dim.clone();
        pixdim = pixdim.clone();
        srow = Affines.copy(srow);
        descrip = descrip == null ? "" : descrip;
        auxFile = auxFile == null ? "" : auxFile;
        intentName = intentName == null ? "" : intentName;
    }

    @Override public long[] dim() { return dim.clone(); }

    @Override public double[] pixdim() { return pixdim.clone(); }

    @Override public double[][] srow() { return Affines.copy(srow); }

    /** dim[0]: the number of axes. */
    public int rank() { return (int) dim[0]; }

    /** dim[1..rank] as ints (the reader has checked that they fit). */
    public int[] shape() {
        int[] s = new int[rank()];
        for (int i = 0; i < s.length; i++) s[i] = (int) dim[i + 1];
        return s;
    }

    public long voxelCount() {
        long n = 1;
        for (int i = 1; i <= rank(); i++) n *= dim[i];
        return n;
    }

    public NiftiUnits.Space spaceUnit() { return NiftiUnits.Space.fromXyztUnits(xyztUnits); }

    public NiftiUnits.Time timeUnit() { return NiftiUnits.Time.fromXyztUnits(xyztUnits); }

    /** Voxel sizes pixdim[1..rank] (absolute values, as nibabel fixes negative ones). */
    public double[] zooms() {
        double[] z = new double[rank()];
        for (int i = 0; i < z.length; i++) z[i] = Math.abs(pixdim[i + 1]);
        return z;
    }

    /**
     * Whether scl_slope/scl_inter change the values: as nibabel, a slope of 0 or a non-finite
     * slope means no scaling. Slope 1 with intercept 0 is also treated as none, so integer
     * label maps written that way stay integers.
     */
    public boolean hasScaling() {
        if (sclSlope == 0 || !Double.isFinite(sclSlope)) return false;
        return !(sclSlope == 1 && (sclInter == 0 || !Double.isFinite(sclInter)));
    }

    /** qfac as nibabel reads it: -1 only when pixdim[0] is exactly -1 (anything else is fixed to 1). */
    public double qfac() { return pixdim[0] == -1 ? -1 : 1; }

    /** The quaternion affine (method 2), whatever qform_code says. */
    public double[][] qformAffine() {
        double b = quaternB, c = quaternC, d = quaternD;
        double w2 = 1.0 - (b * b + c * c + d * d);
        double threshold = -3 * (version == 1 ? Math.ulp(1.0f) : Math.ulp(1.0));
        double w;
        if (w2 < 0) {
            if (w2 < threshold) {
                throw new IllegalArgumentException("NIfTI header: quatern_b/c/d (" + b + ", " + c + ", " + d
                        + ") are not a unit quaternion's vector part (b^2+c^2+d^2 = " + (1 - w2) + " > 1)");
            }
            w = 0;
        } else {
            w = Math.sqrt(w2);
        }
        double[][] r = Affines.quaternionToMatrix(w, b, c, d);
        double[] vox = {Math.abs(pixdim[1]), Math.abs(pixdim[2]), Math.abs(pixdim[3]) * qfac()};
        double[][] a = Affines.identity(4);
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) a[i][j] = r[i][j] * vox[j];
        a[0][3] = qoffsetX;
        a[1][3] = qoffsetY;
        a[2][3] = qoffsetZ;
        return a;
    }

    /** The srow affine (method 3), whatever sform_code says. */
    public double[][] sformAffine() {
        double[][] a = Affines.identity(4);
        for (int i = 0; i < 3; i++) a[i] = srow[i].clone();
        return a;
    }

    /**
     * nibabel's fallback when neither form is set (get_base_affine): diag(-zx, zy, zz) with the
     * origin at the volume's centre, (shape - 1) / 2 voxels. Ranks below 3 pad with 1.
     */
    public double[][] baseAffine() {
        double[] shape = {1, 1, 1};
        double[] zooms = {1, 1, 1};
        for (int i = 0; i < Math.min(3, rank()); i++) {
            shape[i] = dim[i + 1];
            zooms[i] = Math.abs(pixdim[i + 1]);
        }
        zooms[0] = -zooms[0];
        double[][] a = Affines.identity(4);
        for (int i = 0; i < 3; i++) {
            a[i][i] = zooms[i];
            a[i][3] = -((shape[i] - 1) / 2.0) * zooms[i];
        }
        return a;
    }

    /** nibabel's get_best_affine: sform if sform_code != 0, else qform if qform_code != 0, else the base affine. */
    public double[][] bestAffine() {
        if (sformCode != 0) return sformAffine();
        if (qformCode != 0) return qformAffine();
        return baseAffine();
    }

    /**
     * This header's geometry and descriptive fields for new data of {@code shape} stored as
     * {@code type}, unscaled, in a single-file NIfTI-1 (vox_offset 352).
     */
    public NiftiHeader forData(int[] shape, NiftiDataType type) {
        if (shape.length < 1 || shape.length > 7) {
            throw new IllegalArgumentException("NIfTI header: shape " + Arrays.toString(shape) + " must have 1 to 7 axes");
        }
        long[] d = new long[8];
        double[] p = pixdim.clone();
        d[0] = shape.length;
        for (int i = 1; i < 8; i++) {
            d[i] = i <= shape.length ? shape[i - 1] : 1;
            if (i > shape.length || p[i] == 0) p[i] = 1; // unused axes and unset sizes get 1, as nibabel
        }
        return new NiftiHeader(1, ByteOrder.LITTLE_ENDIAN, d, type.code(), type.bitpix(), p, 352,
                1, 0, calMin, calMax, sliceDuration, toffset, sliceStart, sliceEnd, sliceCode, xyztUnits,
                intentCode, intentP1, intentP2, intentP3, intentName, dimInfo, descrip, auxFile,
                qformCode, sformCode, quaternB, quaternC, quaternD, qoffsetX, qoffsetY, qoffsetZ, srow);
    }

    /** This header with dim[1..] set to {@code shape} (same rank); everything else kept. */
    public NiftiHeader withShape(int[] shape) {
        if (shape.length != rank()) {
            throw new IllegalArgumentException("NIfTI header: new shape " + Arrays.toString(shape) + " must keep rank " + rank());
        }
        long[] d = dim.clone();
        for (int i = 0; i < shape.length; i++) d[i + 1] = shape[i];
        return new NiftiHeader(version, byteOrder, d, datatype, bitpix, pixdim, voxOffset, sclSlope, sclInter,
                calMin, calMax, sliceDuration, toffset, sliceStart, sliceEnd, sliceCode, xyztUnits,
                intentCode, intentP1, intentP2, intentP3, intentName, dimInfo, descrip, auxFile,
                qformCode, sformCode, quaternB, quaternC, quaternD, qoffsetX, qoffsetY, qoffsetZ, srow);
    }

    /**
     * This header with {@code affine} as both its sform and its qform (as nibabel does when an
     * image's affine is set): srow = affine; the qform is the closest rotation times the voxel
     * sizes, with qfac -1 when the affine flips handedness. Codes that were 0 become 2 (aligned).
     */
    public NiftiHeader withAffine(double[][] affine) {
        double[] zooms = Affines.columnNorms(affine);
        double[][] rzs = Affines.linearPart(affine);
        double[][] rs = new double[3][3];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) rs[i][j] = zooms[j] == 0 ? 0 : rzs[i][j] / zooms[j];
        double[][] r = Affines.closestOrthogonal(rs);
        if (r == null) {
            throw new IllegalArgumentException("NIfTI header: affine " + Affines.format(affine)
                    + " is singular; a qform needs three independent axes");
        }
        double qf = 1;
        if (Affines.det3(r) < 0) {
            qf = -1;
            for (int i = 0; i < 3; i++) r[i][2] = -r[i][2];
        }
        double[] q = Affines.matrixToQuaternion(r);
        double[] p = pixdim.clone();
        p[0] = qf;
        for (int i = 0; i < 3; i++) p[i + 1] = zooms[i];
        double[][] s = new double[3][];
        for (int i = 0; i < 3; i++) s[i] = affine[i].clone();
        int sc = sformCode != 0 ? sformCode : 2;
        int qc = qformCode != 0 ? qformCode : sc;
        return new NiftiHeader(version, byteOrder, dim, datatype, bitpix, p, voxOffset, sclSlope, sclInter,
                calMin, calMax, sliceDuration, toffset, sliceStart, sliceEnd, sliceCode, xyztUnits,
                intentCode, intentP1, intentP2, intentP3, intentName, dimInfo, descrip, auxFile,
                qc, sc, q[1], q[2], q[3], affine[0][3], affine[1][3], affine[2][3], s);
    }

    /** A minimal header (mm and seconds, no description) whose geometry is {@code affine}. */
    public static NiftiHeader of(int[] shape, NiftiDataType type, double[][] affine) {
        double[] p = new double[8];
        Arrays.fill(p, 1);
        NiftiHeader blank = new NiftiHeader(1, ByteOrder.LITTLE_ENDIAN, new long[] {1, 1, 1, 1, 1, 1, 1, 1},
                type.code(), type.bitpix(), p, 352, 1, 0, 0, 0, 0, 0, 0, 0, 0,
                NiftiUnits.pack(NiftiUnits.Space.MM, NiftiUnits.Time.SEC), 0, 0, 0, 0, "", 0, "", "",
                0, 0, 0, 0, 0, 0, 0, 0, new double[3][4]);
        return blank.forData(shape, type).withAffine(affine);
    }

    @Override public boolean equals(Object o) {
        return o instanceof NiftiHeader h && toString().equals(h.toString());
    }

    @Override public int hashCode() { return toString().hashCode(); }

    @Override public String toString() {
        return "NiftiHeader[nifti" + version + " " + byteOrder + " dim=" + Arrays.toString(dim) + " datatype=" + datatype
                + " bitpix=" + bitpix + " pixdim=" + Arrays.toString(pixdim) + " vox_offset=" + voxOffset
                + " scl=" + sclSlope + "/" + sclInter + " cal=" + calMin + "/" + calMax + " slice=" + sliceStart + ".."
                + sliceEnd + " code " + sliceCode + " dur " + sliceDuration + " toffset=" + toffset + " xyzt_units="
                + xyztUnits + " intent=" + intentCode + "(" + intentP1 + "," + intentP2 + "," + intentP3 + ",'" + intentName
                + "') dim_info=" + dimInfo + " descrip='" + descrip + "' aux='" + auxFile + "' qform_code=" + qformCode
                + " sform_code=" + sformCode + " quatern=" + quaternB + "," + quaternC + "," + quaternD + " qoffset="
                + qoffsetX + "," + qoffsetY + "," + qoffsetZ + " srow=" + Affines.format(srow) + "]";
    }
}
