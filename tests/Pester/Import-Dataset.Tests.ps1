BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $fqid = ',ModelOptimization.PowerShell.Commands.ImportDatasetCommand'
    $MnistImages = Join-Path $AssetsPath 'mnist-first100-images-idx3-ubyte.gz'
    $MnistLabels = Join-Path $AssetsPath 'mnist-first100-labels-idx1-ubyte.gz'
    # 2x2 PNGs: grayscale (0, 255 / 128, 64) and RGB (red, green / blue, white).
    $GrayPng = [Convert]::FromBase64String('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAAAAABX3VL4AAAADklEQVR42mNg+M/Q4AAABUIBwG1eeKAAAAAASUVORK5CYII=')
    $RgbPng = [Convert]::FromBase64String('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEklEQVR42mP4z8DAAMIM/4EAAB/uBfvxq7p3AAAAAElFTkSuQmCC')

    function New-TestFile {
        param([string] $Name, [byte[]] $Bytes, [string] $Text)
        $path = Join-Path $TestDrive $Name
        $null = New-Item -ItemType Directory -Path (Split-Path $path) -Force
        if ($PSBoundParameters.ContainsKey('Text')) { Set-Content -LiteralPath $path -Value $Text -NoNewline } else { [System.IO.File]::WriteAllBytes($path, $Bytes) }
        $path
    }
}

Describe 'Import-Dataset' {
    Context 'Binding and output' {
        It 'writes one dataset object for the bundled MNIST slice, not its samples' {
            $ds = Import-Dataset $MnistImages
            $ds | Should -HaveCount 1
            $ds | Should -BeOfType ModelOptimization.Formats.Datasets.IdxDataset
            $ds | Should -BeOfType ModelOptimization.Core.Data.IDataset
            $ds.Name | Should -Be 'mnist-first100-images-idx3-ubyte.gz'
            $ds.Format | Should -Be 'Idx'
            $ds.Count | Should -Be 100
            $ds.Shape | Should -Be @(28, 28)
            $ds.DataType | Should -Be 'Float32'
            $ds.HasLabels | Should -BeTrue
            $ds.LabelsPath | Should -Be $MnistLabels
            $ds.Labels | Should -HaveCount 100
            $ds.Labels[0..4] | Should -Be @(1, 2, 8, 3, 4)
        }

        It 'applies -Shape, -Scale, -Offset, -DataType, -Skip and -First to the samples' {
            $ds = Import-Dataset $MnistImages -Shape 1, 28, 28, 1 -Scale (1 / 255) -Offset 0 -Skip 10 -First 3
            $ds.Count | Should -Be 3
            $ds.Shape | Should -Be @(1, 28, 28, 1)
            $ds.Labels | Should -Be @(6, 2, 2)
            $samples = @($ds.GetSamples([System.Threading.CancellationToken]::None))
            $samples | Should -HaveCount 3
            $samples[0][0] | Should -BeOfType [float]
            $samples[0][0].Length | Should -Be 784
            ($samples[0][0] | Measure-Object -Maximum).Maximum | Should -BeLessOrEqual 1
            ($samples[0][0] | Measure-Object -Maximum).Maximum | Should -BeGreaterThan 0.9
        }

        It 'converts to integer types with -DataType' {
            $ds = Import-Dataset $MnistImages -DataType Int8 -Offset -128 -First 1
            $ds.DataType | Should -Be 'Int8'
            $pixels = @($ds.GetSamples([System.Threading.CancellationToken]::None))[0][0]
            $pixels.GetType() | Should -Be ([sbyte[]])
            ($pixels | Measure-Object -Minimum).Minimum | Should -Be -128
        }

        It 'expands wildcards to one dataset per file' {
            $null = New-TestFile 'csv/a.csv' -Text "1,2`n3,4`n"
            $null = New-TestFile 'csv/b.csv' -Text "x,label`n5,1`n"
            $ds = Import-Dataset (Join-Path $TestDrive 'csv/*.csv')
            $ds | Should -HaveCount 2
            $ds.Name | Should -Be @('a.csv', 'b.csv')
            $ds[0].Count | Should -Be 2
            $ds[1].Labels | Should -Be @(1)
        }

        It 'binds strings from the pipeline to -Path' {
            ($MnistImages | Import-Dataset).Count | Should -Be 100
        }

        It 'binds Get-ChildItem output to -LiteralPath by its PSPath property' {
            $ds = Get-ChildItem $AssetsPath -Filter 'mnist-first100-images*' | Import-Dataset
            $ds | Should -HaveCount 1
            $ds.Path | Should -Be $MnistImages
        }

        It 'takes -LiteralPath names that contain wildcard characters literally' {
            $odd = New-TestFile 'data[1].csv' -Text "1,2,3`n"
            (Import-Dataset -LiteralPath $odd).Name | Should -Be 'data[1].csv'
        }

        It 'reads a folder of images with one subfolder per class as labelled samples' {
            $null = New-TestFile 'img/cat/a.png' -Bytes $GrayPng
            $null = New-TestFile 'img/cat/b.png' -Bytes $GrayPng
            $null = New-TestFile 'img/dog/c.png' -Bytes $GrayPng
            $ds = Import-Dataset (Join-Path $TestDrive 'img')
            $ds | Should -BeOfType ModelOptimization.Formats.Datasets.ImageDataset
            $ds.Count | Should -Be 3
            $ds.Shape | Should -Be @(2, 2, 1)
            $ds.Classes | Should -Be @('cat', 'dog')
            $ds.Labels | Should -Be @(0, 0, 1)
            @($ds.GetSamples([System.Threading.CancellationToken]::None))[0][0] | Should -Be @(0, 255, 128, 64)
        }

        It 'decodes colour images as RGB and resizes them with -Resize' {
            $png = New-TestFile 'rgb.png' -Bytes $RgbPng
            $ds = Import-Dataset $png -DataType UInt8
            $ds.Shape | Should -Be @(2, 2, 3)
            @($ds.GetSamples([System.Threading.CancellationToken]::None))[0][0] | Should -Be @(255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255)
            $resized = Import-Dataset $png -Resize 4, 4
            $resized.Shape | Should -Be @(4, 4, 3)
            $gray = Import-Dataset $png -Shape 1, 3, 3, 1
            $gray.Channels | Should -Be 1
            $gray.Height | Should -Be 3
        }

        It 'says what it opens with -Verbose' {
            $verbose = Import-Dataset $MnistImages -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
            $verbose.Message | Should -Contain "Opening dataset '$MnistImages'."
        }

        It 'is accepted by the library adapter that calibration and Invoke-Model use' {
            $ds = Import-Dataset $MnistImages -First 2
            $same = [ModelOptimization.Formats.Datasets.DatasetAdapter]::ToDataset($ds)
            [object]::ReferenceEquals($same, $ds) | Should -BeTrue
        }
    }

    Context 'Errors' {
        It 'reports a missing path as ModelFileNotFound and goes on with the next path' {
            $missing = Join-Path $TestDrive 'missing.npy'
            $ds = Import-Dataset -Path $missing, $MnistImages -ErrorVariable err -ErrorAction SilentlyContinue
            $ds | Should -HaveCount 1
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be "ModelFileNotFound$fqid"
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        }

        It 'reports a bad IDX magic number as DatasetReadFailed naming the file' {
            $bad = New-TestFile 'bad-images-idx3-ubyte' -Bytes ([byte[]](0x12, 0x34, 0x08, 0x03, 0, 0, 0, 1))
            Import-Dataset $bad -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be "DatasetReadFailed$fqid"
            $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
            $err[0].TargetObject | Should -Be $bad
            $err[0].Exception.Message | Should -BeLike '*bad IDX magic*'
            $err[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        }

        It 'reports a truncated .npy file as DatasetReadFailed' {
            $header = "{'descr': '<f4', 'fortran_order': False, 'shape': (10, 4), }".PadRight(117) + "`n"
            $bytes = [byte[]](0x93) + [System.Text.Encoding]::ASCII.GetBytes('NUMPY') + [byte[]](1, 0, 118, 0) + [System.Text.Encoding]::ASCII.GetBytes($header) + [byte[]]::new(16)
            $npy = New-TestFile 'short.npy' -Bytes $bytes
            { Import-Dataset $npy -ErrorAction Stop } | Should -Throw -ErrorId "DatasetReadFailed$fqid"
        }

        It 'reports a CSV value that is not a number as DatasetReadFailed' {
            $csv = New-TestFile 'text.csv' -Text "a,b`n1,2`n3,oops`n"
            { Import-Dataset $csv -ErrorAction Stop } | Should -Throw -ErrorId "DatasetReadFailed$fqid"
        }

        It 'reports an image that cannot be decoded as DatasetReadFailed' {
            $png = New-TestFile 'broken.png' -Bytes ([byte[]]($RgbPng[0..30]))
            { Import-Dataset $png -ErrorAction Stop } | Should -Throw -ErrorId "DatasetReadFailed$fqid"
        }

        It 'reports a -Shape that does not divide the data as ShapeMismatch' {
            { Import-Dataset $MnistImages -Shape 1, 224, 224, 3 -ErrorAction Stop } | Should -Throw -ErrorId "ShapeMismatch$fqid"
        }

        It 'rejects a -DataType a dataset cannot hold' {
            { Import-Dataset $MnistImages -DataType String } | Should -Throw -ErrorId 'ParameterArgumentValidationError,ModelOptimization.PowerShell.Commands.ImportDatasetCommand'
        }

        It 'rejects a -Resize that is not a height and a width' {
            { Import-Dataset $MnistImages -Resize 28 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,ModelOptimization.PowerShell.Commands.ImportDatasetCommand'
        }
    }

    Context 'Formatting and help' {
        It 'has a table view with Name, Count, Shape, DataType and HasLabels' {
            $view = Get-FormatData -TypeName ModelOptimization.Formats.Datasets.FileDataset
            $view | Should -Not -BeNullOrEmpty
            $view.FormatViewDefinition[0].Control.Headers.Label | Should -Be @('Name', 'Count', 'Shape', 'DataType', 'HasLabels')
            $text = Import-Dataset $MnistImages | Out-String
            $text | Should -Match 'mnist-first100-images-idx3-ubyte\.gz\s+100\s+\[28, 28\]\s+Float32\s+True'
        }

        It 'has a one-line ToString' {
            "$(Import-Dataset $MnistImages -First 5)" | Should -Be 'mnist-first100-images-idx3-ubyte.gz (Idx, 5 samples of float32[28, 28], labelled)'
        }

        It 'has help with a synopsis, a description and examples' {
            $help = Get-Help Import-Dataset -Full
            $help.Synopsis | Should -Not -BeNullOrEmpty
            $help.Examples.Example.Count | Should -BeGreaterOrEqual 1
        }
    }
}
