"""What nibabel says about NIfTI files, as JSON on stdout, for NibabelReferenceTest.

usage: nibabel_reference.py GEN_DIR SCAN_DIR...
Writes a set of small NIfTI files with nibabel into GEN_DIR (every datatype we read, both byte
orders, NIfTI-1 and -2, scaled, 4D, pairs, qform-only, no transform), then reports on every
.nii / .nii.gz / .hdr file in GEN_DIR and the SCAN_DIRs. Per file: shape, affine, aff2axcodes,
whether scaling applies, and a SHA-256 of the voxel values as little-endian float64 in Fortran
order (rounded to float32 first when scaled data of a non-float64 file, as VoxelForge stores
them; NaN made canonical). The same for as_closest_canonical (RAS). Files nibabel cannot load
are reported with the reason.
"""
import glob, hashlib, json, os, sys
import numpy as np
import nibabel as nib


def digest(a):
    a = np.asfortranarray(a, dtype='<f8')
    if a.dtype.kind == 'f' and np.isnan(a).any():
        a = a.copy(order='F')
        a[np.isnan(a)] = np.nan
    return hashlib.sha256(memoryview(a.T)).hexdigest()  # a.T is C-contiguous: Fortran order of a, no copy


def values(img, scaled):
    d = img.get_fdata(dtype=np.float64)
    if scaled and img.header.get_data_dtype().kind != 'f' or scaled and img.header.get_data_dtype().itemsize < 8:
        d = d.astype(np.float32).astype(np.float64)
    return d


def generate(out):
    rng = np.random.default_rng(1234)
    c, s = np.cos(0.3), np.sin(0.3)
    rot = np.array([[c, -s, 0, 10.5], [s, c, 0, -20.25], [0, 0, 1, 5.0], [0, 0, 0, 1]])
    # voxel axes point to P, S, L (not RAS), so reorientation has work to do
    aff = rot @ np.array([[0, 0, -2.5, 40.0], [-1.5, 0, 0, 12.0], [0, 2.0, 0, -7.0], [0, 0, 0, 1]])
    shape = (5, 6, 7)
    ranges = {'uint8': (0, 255), 'int8': (-128, 127), 'int16': (-32768, 32767), 'uint16': (0, 65535),
              'int32': (-2**31, 2**31 - 1), 'uint32': (0, 2**32 - 1), 'int64': (-2**62, 2**62)}
    for dt in ['uint8', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float32', 'float64']:
        if dt in ranges:
            lo, hi = ranges[dt]
            data = rng.integers(lo, hi, size=shape, dtype=np.int64, endpoint=True).astype(dt)
        else:
            data = (rng.standard_normal(shape) * 1000).astype(dt)
            data.flat[0] = -0.0
            data.flat[1] = np.nan
        for end in '<>':
            for klass, tag in ((nib.Nifti1Image, 'n1'), (nib.Nifti2Image, 'n2')):
                hdr = klass.header_class(endianness=end)
                hdr.set_data_dtype(dt)
                img = klass(data, aff, hdr)
                nib.save(img, os.path.join(out, f'{tag}_{dt}_{"le" if end == "<" else "be"}.nii'))
    # scaled: integers stored with slope/intercept
    raw = rng.integers(-3000, 3000, size=shape).astype(np.int16)
    for end in '<>':
        for klass, tag in ((nib.Nifti1Image, 'n1'), (nib.Nifti2Image, 'n2')):
            hdr = klass.header_class(endianness=end)
            hdr.set_data_dtype(np.int16)
            img = klass(raw, aff, hdr)
            img.header.set_slope_inter(0.37, -12.5)
            nib.save(img, os.path.join(out, f'{tag}_scaled_int16_{"le" if end == "<" else "be"}.nii.gz'))
    for dt, slope, inter in (('uint8', 2.0, 0.0), ('float32', 0.5, 3.0), ('float64', 3.0, 1.0), ('int32', 1.0, 7.0)):
        data = rng.integers(0, 200, size=shape).astype(dt)
        img = nib.Nifti1Image(data, aff)
        img.header.set_data_dtype(dt)
        img.header.set_slope_inter(slope, inter)
        nib.save(img, os.path.join(out, f'n1_scaled_{dt}.nii'))
    # 4D, gzipped
    nib.save(nib.Nifti1Image(rng.integers(0, 100, size=(4, 3, 5, 6)).astype(np.int16), aff), os.path.join(out, 'n1_4d.nii.gz'))
    # qform only, with a left-handed affine (qfac -1)
    img = nib.Nifti1Image(rng.random(shape).astype(np.float32), None)
    img.set_qform(aff @ np.diag([1, 1, -1, 1]), code=1)
    img.set_sform(None, code=0)
    nib.save(img, os.path.join(out, 'n1_qform_only.nii'))
    # no transform at all: the base affine
    img = nib.Nifti1Image(rng.random(shape).astype(np.float32), None)
    img.header.set_zooms((1.25, 2.5, 3.0))
    img.set_qform(None, code=0)
    img.set_sform(None, code=0)
    nib.save(img, os.path.join(out, 'n1_no_xform.nii'))
    # sform and qform that differ: sform wins
    img = nib.Nifti1Image(rng.random(shape).astype(np.float32), aff)
    img.set_qform(np.diag([3.0, 3.0, 3.0, 1.0]), code=1)
    nib.save(img, os.path.join(out, 'n1_sform_and_qform.nii'))
    # .hdr/.img pair
    nib.save(nib.Nifti1Pair(rng.integers(0, 9, size=shape).astype(np.int16), aff), os.path.join(out, 'pair.hdr'))


def report(path):
    r = {'file': path}
    try:
        img = nib.load(path)
        if not isinstance(img, (nib.Nifti1Image, nib.Nifti2Image, nib.Nifti1Pair, nib.Nifti2Pair)):
            raise TypeError(f'{type(img).__name__} is not a plain NIfTI image')
        if type(img.header) not in (nib.Nifti1Header, nib.Nifti2Header, nib.nifti1.Nifti1PairHeader, nib.nifti2.Nifti2PairHeader):
            raise TypeError(f'{type(img.header).__name__} is not a plain NIfTI header')
        slope, inter = img.dataobj.slope, img.dataobj.inter
        scaled = not (slope == 1 and inter == 0)
        d = values(img, scaled)
        r.update(shape=list(img.shape), affine=img.affine.tolist(), axcodes=''.join(str(c) for c in nib.aff2axcodes(img.affine)),
                 scaled=bool(scaled), dtype=str(img.header.get_data_dtype().newbyteorder('=')),
                 sha256=digest(d), sum=float(np.nansum(d)))
        if len(img.shape) in (3, 4):
            can = nib.as_closest_canonical(img)
            same = can is img  # already RAS: nothing moves, skip hashing the same voxels twice
            r['canonical'] = {'shape': list(can.shape), 'affine': can.affine.tolist(),
                              'sha256': r['sha256'] if same else digest(values(can, scaled))}
    except Exception as e:  # reported, the test skips the file and says why
        r['error'] = f'{type(e).__name__}: {e}'
    return r


def main():
    gen = sys.argv[1]
    os.makedirs(gen, exist_ok=True)
    generate(gen)
    files = []
    for d in [gen] + sys.argv[2:]:
        for pat in ('*.nii', '*.nii.gz', '*.hdr'):
            files += sorted(glob.glob(os.path.join(d, pat)))
    json.dump([report(f) for f in files], sys.stdout)


if __name__ == '__main__':
    main()
