/**
 * The playground ({@link dev.chameleon.workbench.web.playground.PlaygroundView}): one checkpoint answers a prompt,
 * streaming text and images as they are generated.
 */
package dev.chameleon.workbench.web.playground;
