/**
 * A node tree in the heap: hierarchical documents (think XML's DOM) of named nodes with ordered attributes,
 * an optional text and ordered children, shared by every process that opens the heap and changed only in
 * transactions. Start at {@link dev.mappedheap.structs.tree.NodeTree}; subtrees go in and come out as
 * {@link dev.mappedheap.structs.tree.NodeData} values. The format is in {@code docs/STRUCTS-FORMAT.md} 7.3.
 */
package dev.mappedheap.structs.tree;
