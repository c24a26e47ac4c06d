package dev.chameleon.workbench.trainer.tokens.image;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;

/**
 * Base of the VQ blocks: every parameter's shape is fixed at construction, so children initialise without
 * shape inference and a model's size is known before any native memory is allocated.
 */
abstract class Composite extends AbstractBlock {

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (Block child : children.values()) {
            child.initialize(manager, dataType, inputShapes);
        }
    }

    /** Parameters of this block and its children, counted from their declared shapes. */
    long parameterCount() {
        long n = 0;
        for (var p : getParameters().values()) {
            n += p.getShape().size();
        }
        return n;
    }
}
