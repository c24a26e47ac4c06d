package dev.chameleon.workbench.trainer.eval;

import dev.chameleon.workbench.trainer.generate.GenerationRequest;
import dev.chameleon.workbench.trainer.generate.GenerationResult;
import dev.chameleon.workbench.trainer.generate.Generator;
import dev.chameleon.workbench.trainer.generate.Guidance;
import dev.chameleon.workbench.trainer.generate.Mode;
import dev.chameleon.workbench.trainer.generate.Sampling;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A trained checkpoint as the demo checker's model: picture prompts in image mode, everything else in text mode,
 * with the given sampling and guidance.
 */
public final class GeneratorAnswerer implements DemoCheck.Answerer {

    /** Room for the demo's longest answers (a code snippet); pictures take N + 2. */
    static final int MAX_TEXT_TOKENS = 96;

    private final Generator generator;
    private final Sampling sampling;
    private final Guidance guidance;

    public GeneratorAnswerer(Generator generator, Sampling sampling, Guidance guidance) {
        this.generator = generator;
        this.sampling = sampling;
        this.guidance = guidance;
    }

    @Override
    public DemoCheck.Answer answer(String prompt, List<BufferedImage> images, DemoCheck.Task task) {
        boolean picture = task == DemoCheck.Task.IMAGE;
        GenerationRequest request = new GenerationRequest(prompt, images, picture ? Mode.IMAGE : Mode.TEXT, sampling,
                guidance, picture ? generator.imageTokens() + 4 : MAX_TEXT_TOKENS);
        GenerationResult r = generator.generate(request, e -> { }, () -> false);
        return new DemoCheck.Answer(r.text(), r.images());
    }
}
