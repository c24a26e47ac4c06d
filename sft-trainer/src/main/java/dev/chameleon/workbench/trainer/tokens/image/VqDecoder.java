package dev.chameleon.workbench.trainer.tokens.image;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * Latents to pixels, the encoder's mirror: conv_in, mid block, per level (deepest first) {@code resBlocks + 1}
 * ResNet blocks and a 2x upsample between levels, GroupNorm, swish, conv_out to RGB.
 */
final class VqDecoder extends Composite {

    private final List<Block> steps = new ArrayList<>();
    private final GroupNorm normOut;
    private final int factor;

    VqDecoder(VqConfig c) {
        factor = c.downsampleFactor();
        int levels = c.channelMultipliers().size();
        int in = c.deepestChannels();
        steps.add(addChildBlock("conv_in", Conv.same3x3(c.zChannels(), in)));
        steps.add(addChildBlock("mid_block1", new ResnetBlock(in, in, c.groups())));
        if (c.midAttention()) {
            steps.add(addChildBlock("mid_attn", new AttnBlock(in, c.groups())));
        }
        steps.add(addChildBlock("mid_block2", new ResnetBlock(in, in, c.groups())));
        for (int level = levels - 1; level >= 0; level--) {
            int out = c.channels(level);
            for (int i = 0; i < c.resBlocks() + 1; i++) {
                steps.add(addChildBlock("up" + level + "_block" + i, new ResnetBlock(in, out, c.groups())));
                in = out;
            }
            if (level != 0) {
                steps.add(addChildBlock("up" + level + "_upsample", Resample.up(in)));
            }
        }
        normOut = addChildBlock("norm_out", new GroupNorm(in, c.groups()));
        steps.add(normOut);
        steps.add(addChildBlock("conv_out", Conv.same3x3(in, 3)));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        NDList x = inputs;                                                  // (B, zChannels, R/f, R/f)
        for (Block step : steps) {
            x = step.forward(ps, x, training);
            if (step == normOut) {
                x = new NDList(ResnetBlock.swish(x.head()));
            }
        }
        return x;                                                           // (B, 3, R, R)
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape s = inputs[0];
        return new Shape[] {new Shape(s.get(0), 3, s.get(2) * factor, s.get(3) * factor)};
    }
}
