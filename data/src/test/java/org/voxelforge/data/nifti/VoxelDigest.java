package org.voxelforge.data.nifti;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.voxelforge.core.DType;
import org.voxelforge.core.Tensor;
import org.voxelforge.core.TensorScope;

/** SHA-256 of a tensor's values as little-endian float64 in Fortran order (first index fastest), as the reference script computes it. */
final class VoxelDigest {
    private VoxelDigest() {}

    static String fortranSha256(Tensor t) {
        int r = t.rank();
        int[] rev = new int[r];
        for (int i = 0; i < r; i++) rev[i] = r - 1 - i;
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (TensorScope scope = new TensorScope()) {
            Tensor f = t.permute(rev).contiguous();
            DType dt = f.dtype();
            var seg = f.segment();
            long base = f.offset(), n = f.numel();
            ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (long i = 0; i < n; i++) {
                double v = dt == DType.INT64 ? (double) dt.getLong(seg, base + i) : dt.get(seg, base + i);
                buf.putLong(Double.doubleToLongBits(v)); // canonical NaN, as the script's np.nan
                if (!buf.hasRemaining()) {
                    md.update(buf.array(), 0, buf.position());
                    buf.clear();
                }
            }
            md.update(buf.array(), 0, buf.position());
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
