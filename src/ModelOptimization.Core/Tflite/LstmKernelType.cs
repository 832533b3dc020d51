namespace ModelOptimization.Core.Tflite;

/// <summary>LSTM kernel variant (schema <c>tflite.LSTMKernelType</c>, stored as a signed byte).</summary>
public enum LstmKernelType : sbyte
{
    /// <summary>Full LSTM kernel with peephole and projection support.</summary>
    FULL = 0,

    /// <summary>Basic LSTM kernel (TensorFlow BasicLSTMCell).</summary>
    BASIC = 1,
}
