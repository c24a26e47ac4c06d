package dev.chameleon.workbench.trainer.tokens.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The VQGAN tokenizer network: encoder, 1x1 quant_conv, vector quantizer, 1x1 post_quant_conv, decoder.
 *
 * <pre>
 *   image (B,3,R,R) -encoder-> (B,z,g,g) -quant_conv-> (B,D,g,g) -argmin-> codes (B,g*g)
 *   codes -codebook-> (B,D,g,g) -post_quant_conv-> (B,z,g,g) -decoder-> image (B,3,R,R)
 * </pre>
 * Parameter shapes are fixed at construction, so {@link #parameterCount()} works without allocating weights.
 * The block's own forward is the full reconstruction; training uses {@link #pass}. An encoder-only model (no
 * post_quant_conv, no decoder) holds what a Hugging Face checkpoint holds of the tokenizer: it encodes, and
 * {@link #decode} and {@link #pass} refuse.
 */
final class VqModel extends Composite {

    private final VqConfig config;
    private final VqEncoder encoder;
    private final Conv quantConv;
    private final VectorQuantizer quantizer;
    private final Conv postQuantConv;
    private final VqDecoder decoder;

    public VqModel(VqConfig config) {
        this(config, true);
    }

    /** A full model, or with {@code withDecoder} false one without post_quant_conv and decoder. */
    VqModel(VqConfig config, boolean withDecoder) {
        this.config = config;
        encoder = addChildBlock("encoder", new VqEncoder(config));
        quantConv = addChildBlock("quant_conv", Conv.pointwise(config.zChannels(), config.embedDim()));
        quantizer = addChildBlock("quantize", new VectorQuantizer(config.codebookSize(), config.embedDim()));
        postQuantConv = withDecoder
                ? addChildBlock("post_quant_conv", Conv.pointwise(config.embedDim(), config.zChannels())) : null;
        decoder = withDecoder ? addChildBlock("decoder", new VqDecoder(config)) : null;
    }

    public VqConfig config() {
        return config;
    }

    /** Whether this model holds post_quant_conv and the decoder, so that it can turn codes back into pixels. */
    boolean hasDecoder() {
        return decoder != null;
    }

    /** Number of trainable floats, from the declared shapes. */
    public long parameterCount() {
        return super.parameterCount();
    }

    /** Input shape for a batch of {@code batch} images. */
    public Shape inputShape(int batch) {
        return new Shape(batch, 3, config.resolution(), config.resolution());
    }

    Parameter codebook() {
        return quantizer.codebook();
    }

    /** What one training or evaluation pass produces; all arrays live on the input's manager. */
    record Pass(NDArray reconstruction, NDArray commitment, NDArray codebookLoss, NDArray indices,
                NDArray latents) {
    }

    /**
     * Encode, quantize (straight-through), decode. {@code commitment} = mean((sg[zq] - z)^2) pulls the encoder
     * to its codes; {@code codebookLoss} = mean((zq - sg[z])^2) pulls codes to the encoder outputs.
     */
    Pass pass(ParameterStore ps, NDArray images, boolean training) {
        int d = config.embedDim();
        NDArray z = latents(ps, images, training);                                   // (B, D, g, g)
        Shape zs = z.getShape();
        NDArray zFlat = z.transpose(0, 2, 3, 1).reshape(-1, d);                      // (B*g*g, D)
        NDArray idx = quantizer.nearest(ps, zFlat);                                  // (B*g*g)
        NDArray zq = quantizer.lookup(ps, idx, training);                            // (B*g*g, D)
        NDArray commitment = zq.stopGradient().sub(zFlat).square().mean();           // ()
        NDArray codebookLoss = zq.sub(zFlat.stopGradient()).square().mean();         // ()
        NDArray st = zFlat.add(zq.sub(zFlat).stopGradient());                        // (B*g*g, D) straight-through
        NDArray zqMap = st.reshape(zs.get(0), zs.get(2), zs.get(3), d).transpose(0, 3, 1, 2); // (B, D, g, g)
        NDArray recon = decodeLatents(ps, zqMap, training);                          // (B, 3, R, R)
        return new Pass(recon, commitment, codebookLoss, idx, zFlat);
    }

    /** Codes for a batch of images in [-1, 1]: (B, 3, R, R) -> (B, g*g) int64, raster order. */
    NDArray encode(ParameterStore ps, NDArray images) {
        NDArray z = latents(ps, images, false);                                      // (B, D, g, g)
        long b = z.getShape().get(0);
        NDArray zFlat = z.transpose(0, 2, 3, 1).reshape(-1, config.embedDim());      // (B*g*g, D)
        return quantizer.nearest(ps, zFlat).reshape(b, -1);                          // (B, g*g)
    }

    /** Images in about [-1, 1] for a batch of codes: (B, g*g) int64 -> (B, 3, R, R). */
    NDArray decode(ParameterStore ps, NDArray codes) {
        int g = config.gridSide();
        long b = codes.getShape().get(0);
        NDArray zq = quantizer.lookup(ps, codes.reshape(-1), false);                 // (B*g*g, D)
        NDArray map = zq.reshape(b, g, g, config.embedDim()).transpose(0, 3, 1, 2);   // (B, D, g, g)
        return decodeLatents(ps, map, false);                                        // (B, 3, R, R)
    }

    private NDArray latents(ParameterStore ps, NDArray images, boolean training) {
        NDList h = encoder.forward(ps, new NDList(images), training);               // (B, z, g, g)
        return quantConv.forward(ps, h, training).head();                            // (B, D, g, g)
    }

    private NDArray decodeLatents(ParameterStore ps, NDArray zq, boolean training) {
        if (decoder == null) {
            throw new IllegalStateException("this VQ model was built without its decoder and cannot decode");
        }
        NDList h = postQuantConv.forward(ps, new NDList(zq), training);             // (B, z, g, g)
        return decoder.forward(ps, h, training).head();                              // (B, 3, R, R)
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                                     PairList<String, Object> params) {
        return new NDList(pass(ps, inputs.singletonOrThrow(), training).reconstruction());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return new Shape[] {inputs[0]};
    }
}
