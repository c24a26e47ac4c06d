package dev.chameleon.workbench.trainer.render;

/**
 * Token counts added up over the examples of one category (the columns of the paper's SFT table).
 */
public record CategoryTokens(long examples, long tokens, long lossTokens, long imageTokens, long images) {

    public static final CategoryTokens ZERO = new CategoryTokens(0, 0, 0, 0, 0);

    public CategoryTokens plus(TokenCount c) {
        return new CategoryTokens(examples + 1, tokens + c.total(), lossTokens + c.loss(),
                imageTokens + c.imageTokens(), images + c.images());
    }

    public CategoryTokens plus(CategoryTokens o) {
        return new CategoryTokens(examples + o.examples, tokens + o.tokens, lossTokens + o.lossTokens,
                imageTokens + o.imageTokens, images + o.images);
    }
}
