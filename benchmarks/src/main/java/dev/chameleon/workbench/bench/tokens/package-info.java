/**
 * The tokenizer benchmarks: {@code text-tokenizer} (our BPE trainer and encoder against {@code spm_train} and DJL's
 * HuggingFace tokenizer) and {@code image-tokenizer} (the VQ tokenizer trained on photographs and drawings,
 * measured on held-out images).
 *
 * <p>Entry types: {@link dev.chameleon.workbench.bench.tokens.TextTokenizerBenchmark},
 * {@link dev.chameleon.workbench.bench.tokens.ImageTokenizerBenchmark}.
 */
package dev.chameleon.workbench.bench.tokens;
