/**
 * The domain model: examples as conversations of messages made of text and image parts, their category and review
 * status, the shape rules each category requires, the harm taxonomy, and the canonical JSON of an example.
 *
 * <p>Entry types: {@link dev.chameleon.workbench.curation.model.Example},
 * {@link dev.chameleon.workbench.curation.model.Message}, {@link dev.chameleon.workbench.curation.model.Part},
 * {@link dev.chameleon.workbench.curation.model.Role}, {@link dev.chameleon.workbench.curation.model.Category},
 * {@link dev.chameleon.workbench.curation.model.ReviewStatus}, {@link dev.chameleon.workbench.curation.model.Source},
 * {@link dev.chameleon.workbench.curation.model.DatasetKind}, {@link dev.chameleon.workbench.curation.model.CategoryRules},
 * {@link dev.chameleon.workbench.curation.model.HarmTaxonomy} and {@link dev.chameleon.workbench.curation.model.ExampleJson}.
 */
package dev.chameleon.workbench.curation.model;
