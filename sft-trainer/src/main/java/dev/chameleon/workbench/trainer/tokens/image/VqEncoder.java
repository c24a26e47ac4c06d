package dev.chameleon.workbench.trainer.tokens.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * Pixels to latents: conv_in, per level {@code resBlocks} ResNet blocks and a 2x downsample between levels,
 * a mid block (ResNet, optional attention, ResNet), GroupNorm, swish, conv_out to {@code zChannels}.
 */
final class VqEncoder extends Composite {

    private final List<Block> steps = new ArrayList<>();
    private final GroupNorm normOut;
    private final int zChannels;
    private final int factor;

    VqEncoder(VqConfig c) {
        zChannels = c.zChannels();
        factor = c.downsampleFactor();
        int in = c.channels(0);
        steps.add(addChildBlock("conv_in", Conv.same3x3(3, in)));
        int levels = c.channelMultipliers().size();
        for (int level = 0; level < levels; level++) {
            int out = c.channels(level);
            for (int i = 0; i < c.resBlocks(); i++) {
                steps.add(addChildBlock("down" + level + "_block" + i, new ResnetBlock(in, out, c.groups())));
                in = out;
            }
            if (level != levels - 1) {
                steps.add(addChildBlock("down" + level + "_downsample", Resample.down(in)));
            }
        }
        steps.add(addChildBlock("mid_block1", new ResnetBlock(in, in, c.groups())));
        if (c.midAttention()) {
            steps.add(addChildBlock("mid_attn", new AttnBlock(in, c.groups())));
        }
        steps.add(addChildBlock("mid_block2", new ResnetBlock(in, in, c.groups())));
        normOut = addChildBlock("norm_out", new GroupNorm(in, c.groups()));
        steps.add(normOut);
        steps.add(addChildBlock("conv_out", Conv.same3x3(in, c.zChannels())));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDList x = inputs;                                                  // (B, 3, R, R)
        for (Block step : steps) {
            x = step.forward(ps, x, training);
            if (step == normOut) {
                x = new NDList(ResnetBlock.swish(x.head()));
            }
        }
        return x;                                                           // (B, zChannels, R/f, R/f)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape s = inputs[0];
        return new Shape[] {new Shape(s.get(0), zChannels, s.get(2) / factor, s.get(3) / factor)};
    }
}
