"""Reads files VoxelForge wrote and prints what nibabel sees, as JSON: usage nibabel_check_written.py FILE..."""
import hashlib, json, sys
import numpy as np
import nibabel as nib

out = []
for f in sys.argv[1:]:
    img = nib.load(f)
    d = np.asfortranarray(img.get_fdata(dtype=np.float64))
    out.append({'file': f, 'shape': list(img.shape), 'affine': img.affine.tolist(),
                'qform': img.header.get_qform().tolist(), 'qform_code': int(img.header['qform_code']),
                'sform_code': int(img.header['sform_code']), 'dtype': str(img.get_data_dtype().newbyteorder('=')),
                'descrip': img.header['descrip'].item().decode('latin-1'), 'zooms': [float(z) for z in img.header.get_zooms()],
                'units': list(img.header.get_xyzt_units()),
                'sha256': hashlib.sha256(memoryview(d.T)).hexdigest()})
json.dump(out, sys.stdout)
