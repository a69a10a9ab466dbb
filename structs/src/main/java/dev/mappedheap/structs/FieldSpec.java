// Structs layer: one field as the builder records it, before the layout places it.
package dev.mappedheap.structs;

/**
 * A declared field: name, kind, bytes inside the struct and the layout version that added it.
 *
 * @param name unique within the layout
 * @param kind what it holds
 * @param width bytes inside the struct
 * @param sinceVersion the layout version that added it
 */
record FieldSpec(String name, FieldKind kind, int width, int sinceVersion) {}
