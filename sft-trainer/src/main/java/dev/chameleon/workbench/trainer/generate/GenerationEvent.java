package dev.chameleon.workbench.trainer.generate;

import java.awt.image.BufferedImage;

/** What a generation streams as it goes; {@code row} is the request's index in its batch (0 for one request). */
public sealed interface GenerationEvent permits GenerationEvent.Text, GenerationEvent.PartialImage,
        GenerationEvent.ImageDone, GenerationEvent.End {

    int row();

    /** New answer text (whole characters only). */
    record Text(int row, String piece) implements GenerationEvent {
    }

    /** An image in progress every 32 codes: {@code codes} generated so far, the rest padded before decoding. */
    record PartialImage(int row, int imageIndex, int codes, BufferedImage image) implements GenerationEvent {
    }

    /** A finished image (exactly N codes). */
    record ImageDone(int row, int imageIndex, BufferedImage image) implements GenerationEvent {
    }

    /** The row is finished. */
    record End(int row, GenerationResult result) implements GenerationEvent {
    }
}
