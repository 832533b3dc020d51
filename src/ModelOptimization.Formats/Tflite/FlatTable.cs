namespace ModelOptimization.Formats.Tflite;

/// <summary>A table whose vtable has been checked: its position, its vtable's position and both sizes.</summary>
internal readonly record struct FlatTable(int Position, int VTable, int VTableSize, int ObjectSize);
