/**
 * The byte-level BPE text tokenizer, its trainer and tokenizer.json format, and a byte tokenizer for tests and
 * benchmarks. Entry types: {@link dev.chameleon.workbench.trainer.tokens.text.BpeTokenizer}, {@link
 * dev.chameleon.workbench.trainer.tokens.text.BpeTrainer} and {@link
 * dev.chameleon.workbench.trainer.tokens.text.ByteTokenizer}; {@link
 * dev.chameleon.workbench.trainer.tokens.text.TextTokenizerBenchmark} is a hand-run benchmark.
 */
package dev.chameleon.workbench.trainer.tokens.text;
