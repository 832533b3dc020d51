@{
    Synopsis    = 'Opens IDX, NumPy .npy, CSV and image files (or folders of images) as datasets for Invoke-Model, calibration and the debugger.'
    Description = @(
        'Import-Dataset writes one dataset object per path: not its samples. The object reads its samples when a command enumerates it (Invoke-Model, calibration, the quantization debugger), one at a time, so a large file or folder is never held in memory; enumerating it again reads the file again. Opening reads the header only (a CSV file is checked once, row by row, and an IDX labels file is read whole).'
        'The kind of file is decided by its content, gzip included: IDX (the MNIST layout, magic 0x00000803 for images, 0x00000801 for labels; plain or .gz), NumPy .npy (header versions 1 to 3; dtypes float16/32/64, int8/16/32/64, uint8/16/32/64 and bool; C order), CSV (numbers separated by commas, semicolons, tabs or spaces; one sample per row; a first row that is not all numbers is a header; a header column named label gives the labels) and PNG, JPEG or BMP images. A folder is read as images, recursively, in path order.'
        'Each sample is one flat, row-major array for a one-input model, in the type -DataType gives: every stored value becomes value x Scale + Offset, and integer types round half away from zero and saturate at their range. Labels come from an IDX labels file beside an images file (mnist-images-idx3-ubyte.gz -> mnist-labels-idx1-ubyte.gz), from a CSV label column, or from a folder whose images lie in one subfolder per class (the classes are the sorted subfolder names, the labels their indices). Invoke-Model reports them beside its predictions.'
        'Images are decoded with SkiaSharp to RGB, or to grayscale (0.299 R + 0.587 G + 0.114 B) when -Shape ends in 1 or, without -Shape, when the first image is grayscale; a -Shape ending in 4 keeps alpha. They are resized bilinearly with half-pixel centres (as TensorFlow''s tf.image.resize) to -Resize, or to the height and width of a -Shape such as 1,224,224,3; without either, every image must have the size of the first.'
    )
    Parameters  = @{
        Path        = 'Paths of dataset files or image folders. Wildcards are expanded, and each match becomes one dataset. A path that names nothing is reported as ModelFileNotFound. Accepts strings from the pipeline.'
        LiteralPath = 'Paths taken exactly as written, with no wildcard expansion. Binds the PSPath property of pipeline input, so Get-ChildItem output can be piped to Import-Dataset.'
        Shape       = @{ Description = 'The shape of one sample, e.g. 1,28,28,1 for the MNIST models. Its element count decides how many stored values make one sample (for IDX, .npy and CSV files the values are regrouped when it differs from the file''s own per-sample size; it must divide the data, else ShapeMismatch). Without it a sample has the file''s own shape: the dimensions after the first (IDX, .npy), a row (CSV), or height, width, channels (images). For images its last dimension picks the channels (1, 3 or 4) and the two before it the size.'; DefaultValue = 'the file''s own per-sample shape' }
        Scale       = @{ Description = 'Multiplies every stored value, e.g. (1/255) for pixels in [0, 1] or (1/127.5) with -Offset -1 for [-1, 1].'; DefaultValue = '1' }
        Offset      = @{ Description = 'Added to every value after -Scale.'; DefaultValue = '0' }
        DataType    = @{ Description = 'The element type of the samples: Float32, Float64, Float16, Int8, UInt8, Int16, Int32 or Int64. Use the model input''s type; for a quantized input, quantize with -Scale (1/scale) and -Offset (zero point) and the integer type.'; DefaultValue = 'Float32' }
        First       = @{ Description = 'Reads at most this many samples (after -Skip).'; DefaultValue = 'all' }
        Skip        = @{ Description = 'Leaves out this many samples at the start. Plain files seek; gzipped files and folders skip without decoding.'; DefaultValue = '0' }
        Resize      = 'For images: the height and width to resize every image to (bilinear, half-pixel centres).'
    }
    Inputs      = @(
        @{ Type = 'System.String[]'; Description = 'Paths, to -Path.' }
        @{ Type = 'System.IO.FileSystemInfo'; Description = 'Files and folders from Get-ChildItem or Get-Item, bound to -LiteralPath by their PSPath property.' }
    )
    Outputs     = @(
        @{ Type = 'ModelOptimization.Formats.Datasets.FileDataset'; Description = 'One dataset per path (IdxDataset, NpyDataset, CsvDataset or ImageDataset): Name, Path, Format, Count, Shape, DataType, Labels, HasLabels; GetSamples() streams the samples.' }
    )
    Notes       = @(
        'Errors: a missing path is ModelFileNotFound; a malformed file (bad magic number, truncated data, bad .npy header, a CSV value that is not a number, an image that cannot be decoded) is DatasetReadFailed, naming the file and what is wrong where; a -Shape that does not fit the data is ShapeMismatch. Problems found only while samples are read (a truncated gzip stream, an undecodable image deep in a folder) are raised by the command that reads them.'
        'See about_ModelOptimization_Errors for every ErrorId.'
    )
    Examples    = @(
        @{
            Title   = 'Open the bundled MNIST slice'
            Code    = 'Import-Dataset ./tests/Assets/mnist-first100-images-idx3-ubyte.gz -Scale (1/255) -Shape 1,28,28,1'
            Remarks = 'Opens 100 gzipped MNIST digits as float32 samples in [0, 1], shaped for conv_fc_mnist_float; the labels come from mnist-first100-labels-idx1-ubyte.gz beside it.'
        }
        @{
            Title   = 'Measure the accuracy of a model on labelled data'
            Code    = @'
$model = Import-Model ./tests/Assets/conv_fc_mnist_float.tflite
$results = Import-Dataset ./tests/Assets/mnist-first100-images-idx3-ubyte.gz -Scale (1/255) -Shape 1,28,28,1 | Invoke-Model -Model $model
'{0} of {1} correct' -f @($results | Where-Object IsCorrect).Count, $results.Count
'@
            Remarks = 'Invoke-Model writes one result per sample with the label and the predicted class.'
        }
        @{
            Title   = 'Read part of a dataset as int8'
            Code    = 'Import-Dataset ./tests/Assets/mnist-first100-images-idx3-ubyte.gz -Skip 90 -First 5 -DataType Int8 -Offset -128 | Format-List Name, Format, Count, Shape, DataType, Labels'
            Remarks = 'Samples 90 to 94, shifted from 0..255 to -128..127 as an int8 model with zero point -128 and scale 1/255 expects.'
        }
    )
    Links       = @(
        'Invoke-Model'
        'Import-Model'
        'about_ModelOptimization'
        'about_ModelOptimization_Errors'
    )
}
