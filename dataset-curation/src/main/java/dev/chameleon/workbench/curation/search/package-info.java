/**
 * Full-text search over every example's text and review fields with Apache Lucene, and the query syntax the
 * views and the command line accept.
 *
 * <p>Entry types: {@link dev.chameleon.workbench.curation.search.SearchIndex},
 * {@link dev.chameleon.workbench.curation.search.SearchRequest}, {@link dev.chameleon.workbench.curation.search.SearchPage}
 * and {@link dev.chameleon.workbench.curation.search.QuerySyntaxException}.
 */
package dev.chameleon.workbench.curation.search;
