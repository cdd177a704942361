package org.vectorscoring.opensearch.aggregation;

import org.apache.lucene.search.Query;
import org.vectorscoring.lucene.VectorSimilarity;
import org.vectorscoring.opensearch.mapper.DenseVectorFieldType;

/**
 * A {@code similarity_matrix} request resolved against a shard's mapping: what the aggregator collects and how.
 *
 * @param keyField the keyword field that labels rows, or null for {@code _id}
 * @param columnsQuery the query whose top documents are the columns, or null
 * @param columnsVectors given column vectors, or null
 */
record MatrixRequest(DenseVectorFieldType fieldType, String keyField, VectorSimilarity similarity, int size, Query columnsQuery,
    int columnsSize, float[][] columnsVectors) {}
