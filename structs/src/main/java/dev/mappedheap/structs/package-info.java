/**
 * Typed structs inside a {@link dev.mappedheap.allocator.MappedHeap}: layouts declared once, and flyweight
 * views that read and write their fields in place, in the style of SBE and Agrona.
 *
 * <h2>Declaring a layout</h2>
 * A {@link dev.mappedheap.structs.StructLayout} is built once, usually in a {@code static final} field, and
 * its field handles looked up once:
 *
 * <pre>{@code
 * static final StructLayout ENVELOPE = StructLayout.builder("Envelope", 2)
 *         .int64("uid")
 *         .int32("flags")
 *         .string("subject")          // UTF-8, in a block the struct owns
 *         .bytes("digest", 16)        // 16 bytes inline
 *         .ref("next")                // offset of another block, 0 = none; not owned
 *         .since(2)
 *         .float64("score")           // added in version 2
 *         .build();
 * static final LongField UID = ENVELOPE.field("uid", LongField.class);
 * static final IntField FLAGS = ENVELOPE.field("flags", IntField.class);
 * static final StringField SUBJECT = ENVELOPE.field("subject", StringField.class);
 * static final RefField NEXT = ENVELOPE.field("next", RefField.class);
 * static final DoubleField SCORE = ENVELOPE.field("score", DoubleField.class);
 * }</pre>
 *
 * Field kinds: {@code int8 int16 char16 int32 int64 float32 float64 bool} (primitives), {@code bytes(name, n)}
 * (fixed-size, inline), {@code ref} (an offset, not owned), {@code string} and {@code byteString}
 * (variable-length, each in an owned block of its own). Fields lie in declaration order after a 16-byte
 * header, each at its natural alignment; {@code docs/STRUCTS-FORMAT.md} gives every byte.
 *
 * <h2>Using it</h2>
 * <pre>{@code
 * long offset = ENVELOPE.allocate(heap);            // header written, every field zero / null
 * StructView env = ENVELOPE.newView(heap);           // one per thread; reuse it
 * env.wrap(offset);                                  // checks the block and the header, once
 * UID.set(env, 42);
 * SUBJECT.set(env, "Foo");
 * SUBJECT.set(env, "Foobar");                        // fits the block: rewritten in place
 * long uid = UID.get(env);                           // one check and one heap read, no allocation
 * boolean same = SUBJECT.contentEquals(env, "Foobar");  // no allocation either
 * heap.setRoot(offset);
 * ...
 * ENVELOPE.free(heap, offset);                       // frees the subject's block too
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li><b>Checks.</b> {@link dev.mappedheap.structs.StructView#wrap} refuses an offset that is not a live
 *       block ({@link dev.mappedheap.allocator.InvalidOffsetException}) and a block whose header does not
 *       match the layout ({@link dev.mappedheap.structs.StructMismatchException}: type tag, version out of
 *       range, size not matching the version, block too small). Wrapping an offset inside a block is not
 *       offered. String references read from the file are checked before they are followed.
 *   <li><b>Cost.</b> Field get and set allocate nothing, and cost one test (right layout, field present in
 *       the record) on top of the bounds-checked heap access; {@code jmh/.../StructFieldBench} measures it.
 *   <li><b>Evolution.</b> Fields are only added at the end ({@code since}). Older records read the newer
 *       fields as defaults, and writing one throws {@link dev.mappedheap.structs.FieldNotInRecordException}
 *       until {@link dev.mappedheap.structs.StructLayout#upgrade} grows the record (which may move it).
 *       Newer records are read and written by older layouts, which leave the extra fields alone, but not
 *       freed by them (they might leak blocks the older layout does not know).
 *   <li><b>Ownership.</b> A struct owns its string and byte-string blocks; nothing else.
 *   <li><b>Mutation seam.</b> Every write, allocation and free goes through a
 *       {@link dev.mappedheap.structs.HeapWriter}, where transactions will hook in; reads go to the heap.
 *       Without a transaction, no multi-step change is atomic against a crash; steps are ordered so that a
 *       crash leaks a block rather than leaving a dangling reference.
 * </ul>
 */
package dev.mappedheap.structs;
