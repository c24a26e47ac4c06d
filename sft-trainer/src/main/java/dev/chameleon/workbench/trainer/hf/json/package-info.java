/**
 * The strict JSON parser every reader of downloaded model files shares (config.json, safetensors headers, shard
 * indexes): duplicate keys, trailing content and non-UTF-8 text are refused.
 */
package dev.chameleon.workbench.trainer.hf.json;
