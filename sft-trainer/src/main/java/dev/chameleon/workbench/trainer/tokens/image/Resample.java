package dev.chameleon.workbench.trainer.tokens.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** Halving (pad right/bottom by one, 3x3 stride-2 conv, as taming) or doubling (nearest, then 3x3 conv). */
final class Resample extends Composite {

    private final boolean down;
    private final Conv conv;

    private Resample(int channels, boolean down) {
        this.down = down;
        conv = addChildBlock("conv", down ? new Conv(channels, channels, 3, 2, 0) : Conv.same3x3(channels, channels));
    }

    static Resample down(int channels) {
        return new Resample(channels, true);
    }

    static Resample up(int channels) {
        return new Resample(channels, false);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();                                   // (B, C, H, W)
        NDArray y = down
                ? x.pad(new Shape(0, 1, 0, 1), 0)                                 // (B, C, H+1, W+1)
                : x.repeat(2, 2).repeat(3, 2);                                    // (B, C, 2H, 2W)
        return conv.forward(ps, new NDList(y), training);                        // (B, C, H/2, W/2) or (B, C, 2H, 2W)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape s = inputs[0];
        return new Shape[] {down ? new Shape(s.get(0), s.get(1), s.get(2) / 2, s.get(3) / 2)
                : new Shape(s.get(0), s.get(1), s.get(2) * 2, s.get(3) * 2)};
    }
}
