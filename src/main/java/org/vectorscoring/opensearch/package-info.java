/**
 * The OpenSearch plugin: adapts the kernel and Lucene layers to OpenSearch's mapper, query, script, aggregation,
 * REST and settings extension points. Only this package and its sub-packages import {@code org.opensearch}.
 */
package org.vectorscoring.opensearch;
