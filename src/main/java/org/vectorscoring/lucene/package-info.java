/**
 * Exact vector scoring for plain Lucene: a field that stores a vector beside its L2 norm, a query and a
 * {@link org.apache.lucene.search.DoubleValuesSource} that score against it, and pairwise similarity matrices.
 *
 * <p>This package imports Lucene and {@code org.vectorscoring.kernel} only, never OpenSearch, so it ships as a
 * library for anyone who embeds Lucene.
 */
package org.vectorscoring.lucene;
