package org.voxelforge.core.cuda;

import java.util.Arrays;
import java.util.List;

/**
 * Everything a cuDNN convolution algorithm choice depends on, as a value: which pass, the input,
 * filter and output dims, the data type, layout (channelsLast: NDHWC data and a KDHWC filter, else
 * NCDHW and KCDHW), padding, stride, dilation, groups and math type. Two keys are equal exactly
 * when the convolutions are the same problem for cuDNN.
 */
public record ConvKey(Pass pass, List<Integer> input, List<Integer> filter, List<Integer> output, int dataType,
                      int computeType, boolean channelsLast, List<Integer> padding, List<Integer> stride,
                      List<Integer> dilation, int groups, int mathType) {
    public enum Pass { FORWARD, BACKWARD_DATA, BACKWARD_FILTER }

    public ConvKey {
        input = List.copyOf(input);
        filter = List.copyOf(filter);
        output = List.copyOf(output);
        padding = List.copyOf(padding);
        stride = List.copyOf(stride);
        dilation = List.copyOf(dilation);
    }

    public static ConvKey of(Pass pass, int[] input, int[] filter, int[] output, int dataType, int computeType,
                             boolean channelsLast, int[] padding, int[] stride, int[] dilation, int groups, int mathType) {
        return new ConvKey(pass, list(input), list(filter), list(output), dataType, computeType, channelsLast,
                list(padding), list(stride), list(dilation), groups, mathType);
    }

    private static List<Integer> list(int[] a) { return Arrays.stream(a).boxed().toList(); }
}
