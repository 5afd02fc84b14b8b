package org.voxelforge.core.cuda;

import org.voxelforge.core.Device;

/** {@link BackendParityContract} on the emulator: the CUDA backend's code, with the kernels run on the CPU. */
class EmulatedBackendTest extends BackendParityContract {
    @Override Device device() {
        EmulatorTests.emulator(); // skips, saying why, without the emulator library
        return Device.EMULATOR;
    }
}
