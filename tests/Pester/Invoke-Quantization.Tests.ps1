BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $fqid = ',ModelOptimization.PowerShell.Commands.InvokeQuantizationCommand'
    $digitsPath = Join-Path $AssetsPath 'mnist-first100-images-idx3-ubyte.gz'
    $digits = Import-Dataset $digitsPath -Scale (1 / 255) -Shape 1, 28, 28, 1
    $mnist = Import-Model $MnistPath

    function Get-OpTypes($Model) { @($Model | Get-ModelLayer | ForEach-Object OpType) }
}

Describe 'Invoke-Quantization' {
    Context 'Modes' {
        It 'writes a new model for -Mode <_> and leaves the input model unchanged' -ForEach @('DynamicRange', 'Float16', 'BFloat16', 'WeightOnly') {
            $before = $mnist.ToString()
            $q = $mnist | Invoke-Quantization -Mode $_
            $q | Should -BeOfType ModelOptimization.Core.Graph.Model
            [object]::ReferenceEquals($q, $mnist) | Should -BeFalse
            [object]::ReferenceEquals($q.Source, $mnist) | Should -BeTrue
            $q.Transform | Should -BeLike "Quantization $_*"
            $mnist.ToString() | Should -Be $before
        }

        It 'quantizes activations with -Mode FullInteger and calibration data' {
            $q = $mnist | Invoke-Quantization FullInteger -CalibrationData $digits
            $q.QuantizationSummary | Should -Be 'int8 per-channel'
            Get-OpTypes $q | Should -Be @('QUANTIZE', 'CONV_2D', 'AVERAGE_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'FULLY_CONNECTED', 'SOFTMAX', 'DEQUANTIZE')
            $q.QuantizationReport | Should -HaveCount 6
            $q.QuantizationReport.Decision | Sort-Object -Unique | Should -Be 'Quantized'
            $q.CalibrationStatistics.SampleCount | Should -Be 100
        }

        It 'gives int8 inputs and outputs with -InputType Int8 -OutputType Int8' {
            $q = $mnist | Invoke-Quantization FullInteger -CalibrationData $digits -InputType Int8 -OutputType Int8
            $io = $q | Get-ModelTensor | Where-Object { $_.IsInput -or $_.IsOutput }
            $io.DataType | Sort-Object -Unique | Should -Be 'Int8'
        }

        It 'quantizes 16x8 with -Mode Int16x8' {
            $q = $mnist | Invoke-Quantization Int16x8 -CalibrationData $digits -CalibrationSamples 20
            ($q | Get-ModelTensor | Where-Object DataType -EQ 'Int16') | Should -Not -BeNullOrEmpty
            $q.CalibrationStatistics.SampleCount | Should -Be 20
        }

        It 'writes int4 blockwise weights with -WeightBits 4 -Granularity Blockwise' {
            $q = $mnist | Invoke-Quantization WeightOnly -WeightBits 4 -Granularity Blockwise -BlockSize 32
            $q.QuantizationSummary | Should -BeLike '*int4 blockwise*'
        }

        It 'rounds weights adaptively with -WeightRounding Adaptive in -Mode <_>, keeping the nearest-rounding scales' -ForEach @('FullInteger', 'WeightOnly') {
            $nearest = $mnist | Invoke-Quantization $_ -CalibrationData $digits -CalibrationSamples 20
            $adaptive = $mnist | Invoke-Quantization $_ -CalibrationData $digits -CalibrationSamples 20 -WeightRounding Adaptive
            $adaptive.Transform | Should -BeLike '*adaptive weight rounding'
            @($adaptive.QuantizationReport | Where-Object Reason -Like '*adaptive rounding*').Count | Should -BeGreaterThan 0
            $conv = { param($m) $m | Get-ModelTensor | Where-Object { $_.DataType -eq 'Int8' -and $_.IsConstant -and $_.Shape.Count -eq 4 } | Select-Object -First 1 }
            (& $conv $nearest).Scale | Should -Not -BeNullOrEmpty
            (& $conv $adaptive).Scale | Should -Be (& $conv $nearest).Scale
        }

        It 'takes statistics from Get-CalibrationStatistics instead of data' {
            $stats = $mnist | Get-CalibrationStatistics $digits -CalibrationSamples 10
            $q = $mnist | Invoke-Quantization FullInteger -CalibrationStatistics $stats -CalibrationMethod Percentile -Percentile 99.9
            [object]::ReferenceEquals($q.CalibrationStatistics, $stats) | Should -BeTrue
        }

        It 'accepts an array of samples as -CalibrationData' {
            $samples = @(1..3 | ForEach-Object { , [float[]]::new(784) })
            $q = $mnist | Invoke-Quantization FullInteger -CalibrationData $samples
            $q.CalibrationStatistics.SampleCount | Should -Be 3
        }
    }

    Context 'Selective quantization' {
        It 'keeps an excluded layer float: Import-Model | Set-LayerExclusion -OpType SOFTMAX -PassThru | Invoke-Quantization | Export-Model' {
            $out = Join-Path $TestDrive 'x.tflite'
            $file = Import-Model $MnistPath | Set-LayerExclusion -OpType SOFTMAX -PassThru |
                Invoke-Quantization -Mode FullInteger -CalibrationData $digits | Export-Model $out -PassThru
            $file.FullName | Should -Be $out
            $back = Import-Model -LiteralPath $out
            Get-OpTypes $back | Select-Object -Last 2 | Should -Be @('DEQUANTIZE', 'SOFTMAX')
        }

        It 'reports the rule that excluded a layer' {
            $m = Import-Model $MnistPath
            $m | Set-LayerExclusion -OpType SOFTMAX -Reason 'keep exact'
            $q = $m | Invoke-Quantization DynamicRange
            ($q.QuantizationReport | Where-Object OpType -EQ SOFTMAX).Reason | Should -BeLike '*keep exact*'
            ($q.QuantizationReport | Where-Object OpType -EQ SOFTMAX).Decision | Should -Be 'Float'
        }
    }

    Context 'Streams' {
        It 'writes each layer decision to the verbose stream' {
            $q = $mnist | Invoke-Quantization FullInteger -CalibrationData $digits -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
            ($q.Message -join "`n") | Should -Match 'CONV_2D .*Quantized'
        }

        It 'prints the report with its table view' {
            $q = $mnist | Invoke-Quantization DynamicRange
            $text = $q.QuantizationReport | Out-String -Width 200
            $text | Should -Match 'Index\s+OpType\s+Decision\s+Mode\s+Name\s+Reason'
            $text | Should -Match 'FULLY_CONNECTED\s+Quantized\s+DynamicRange'
        }
    }

    Context 'Errors' {
        It 'stops with ParameterCombinationInvalid for FullInteger without calibration data' {
            { $mnist | Invoke-Quantization FullInteger -ErrorAction Stop } | Should -Throw -ErrorId "ParameterCombinationInvalid$fqid"
        }

        It 'stops with ParameterCombinationInvalid for <Case>' -ForEach @(
            @{ Case = 'Blockwise 8-bit'; Params = @{ Mode = 'WeightOnly'; Granularity = 'Blockwise' } }
            @{ Case = '4-bit dynamic range'; Params = @{ Mode = 'DynamicRange'; WeightBits = 4 } }
            @{ Case = 'int8 inputs without activations'; Params = @{ Mode = 'Float16'; InputType = 'Int8' } }
            @{ Case = 'adaptive rounding without calibration data'; Params = @{ Mode = 'WeightOnly'; WeightRounding = 'Adaptive' } }
            @{ Case = 'adaptive rounding of float16 weights'; Params = @{ Mode = 'Float16'; WeightRounding = 'Adaptive'; CalibrationData = $digits } }
        ) {
            { $mnist | Invoke-Quantization @Params -ErrorAction Stop } | Should -Throw -ErrorId "ParameterCombinationInvalid$fqid"
        }

        It 'reports CalibrationDataInvalid, naming the input, for a sample with NaN' {
            $bad = [float[]]::new(784)
            $bad[5] = [float]::NaN
            $mnist | Invoke-Quantization FullInteger -CalibrationData (, $bad) -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be "CalibrationDataInvalid$fqid"
            $err[0].Exception.Message | Should -BeLike '*serving_default_conv2d_input:0*'
        }

        It 'reports OperatorNotQuantizable under -Strict' {
            # HARD_SWISH has no int16 kernel in TFLite: swap the softmax for one in a copy of the model.
            $m = Import-Model $MnistPath
            $code = $m.OperatorCodes | Where-Object { $_.Op -eq 'SOFTMAX' }
            $code.BuiltinCode = [ModelOptimization.Core.Tflite.BuiltinOperator]::HARD_SWISH
            $code.DeprecatedBuiltinCode = [sbyte][ModelOptimization.Core.Tflite.BuiltinOperator]::HARD_SWISH
            $op = $m.Subgraphs[0].Operators | Select-Object -Last 1
            $op.BuiltinOptions = $null
            $m | Invoke-Quantization Int16x8 -CalibrationData $digits -CalibrationSamples 5 -Strict -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be "OperatorNotQuantizable$fqid"
            $m | Invoke-Quantization Int16x8 -CalibrationData $digits -CalibrationSamples 5 -WarningVariable warn -WarningAction SilentlyContinue | Should -Not -BeNullOrEmpty
            $warn | Should -HaveCount 1
            $warn[0] | Should -BeLike '*HARD_SWISH*OperatorNotQuantizable*'
        }
    }

    Context 'Help' {
        It 'has a synopsis, a description and examples' {
            $help = Get-Help Invoke-Quantization -Full
            $help.Synopsis | Should -Not -BeNullOrEmpty
            $help.Description | Should -Not -BeNullOrEmpty
            @($help.Examples.Example).Count | Should -BeGreaterOrEqual 1
        }
    }
}
