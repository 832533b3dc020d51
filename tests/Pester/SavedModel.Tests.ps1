BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $halfPlusTwo = Join-Path $SharedModels 'savedmodel/half_plus_two_tf2'
    $mlpPath = Join-Path $SharedModels 'savedmodel/keras_mlp_dense'
    $convPath = Join-Path $SharedModels 'savedmodel/mnist_conv_tf1'
    $quantizeId = ',ModelOptimization.PowerShell.Commands.InvokeQuantizationCommand'
    $excludeId = ',ModelOptimization.PowerShell.Commands.SetLayerExclusionCommand'
    $layerId = ',ModelOptimization.PowerShell.Commands.GetModelLayerCommand'

    function Get-VariablesSize([string] $Folder) {
        (Get-ChildItem -LiteralPath (Join-Path $Folder 'variables') -Filter 'variables.data-*' | Measure-Object Length -Sum).Sum
    }

    # A fixed, deterministic 28x28 input.
    $digit = [float[]](1..784 | ForEach-Object { ($_ % 17) / 17.0 })
}

Describe 'SavedModel models through the same cmdlets' {
    It 'imports a SavedModel folder and runs it with Invoke-Model (y = 0.5x + 2)' -Skip:(-not $HasSharedModels) {
        $m = Import-Model -LiteralPath $halfPlusTwo
        $m.Format | Should -Be 'SavedModel'
        $r = $m | Invoke-Model -Input @(, [float[]]@(3))
        $r.Outputs[0].Data[0] | Should -Be 3.5
    }

    It 'exports a SavedModel as TFLite by converting it' -Skip:(-not $HasSharedModels) {
        $out = Join-Path $TestDrive 'half_plus_two.tflite'
        $file = Import-Model -LiteralPath $halfPlusTwo | Export-Model -Path $out -Format Tflite -PassThru
        $t = Import-Model -LiteralPath $file.FullName
        $t.Format | Should -Be 'Tflite'
        ($t | Invoke-Model -Input @(, [float[]]@(-7.25))).Outputs[0].Data[0] | Should -Be -1.625
    }
}

Describe 'Quantizing SavedModels' {
    It 'quantizes the weights of a SavedModel, exports it about 4x smaller and re-imports it with close outputs' -Skip:(-not $HasSharedModels) {
        $float = Import-Model -LiteralPath $mlpPath
        $int8 = $float | Invoke-Quantization DynamicRange -MinWeightElements 1000 -Verbose 4>&1 | Tee-Object -Variable all | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        @($all | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match 'kernel.*int8' }).Count | Should -Be 2
        $int8.Format | Should -Be 'SavedModel'
        $int8.Source | Should -Be $float
        $int8.QuantizationReport | Should -HaveCount 4
        @($int8.QuantizationReport | Where-Object Quantized).Variable | Should -Match '/kernel/'
        $float.TensorFlowGraph.Variables | ForEach-Object DataType | Should -Not -Contain 'Int8'

        $out = Join-Path $TestDrive 'mlp_int8'
        $int8 | Export-Model -Path $out
        $ratio = (Get-VariablesSize $mlpPath) / (Get-VariablesSize $out)
        $ratio | Should -BeGreaterThan 3.5
        $ratio | Should -BeLessThan 4.1

        $back = Import-Model -LiteralPath $out
        @($back.TensorFlowGraph.Variables | Where-Object DataType -EQ 'Int8') | Should -HaveCount 2
        $a = ($float | Invoke-Model -Input @(, $digit)).Outputs[0].Data
        $b = ($back | Invoke-Model -Input @(, $digit)).Outputs[0].Data
        $c = ($int8 | Invoke-Model -Input @(, $digit)).Outputs[0].Data
        $b | Should -Be $c
        for ($i = 0; $i -lt $a.Count; $i++) { [math]::Abs($a[$i] - $b[$i]) | Should -BeLessThan 0.02 }
        [array]::IndexOf($b, ($b | Measure-Object -Maximum).Maximum) | Should -Be ([array]::IndexOf($a, ($a | Measure-Object -Maximum).Maximum))
    }

    It 'quantizes a TF1 conv net with bfloat16 compute and keeps its prediction' -Skip:(-not $HasSharedModels) {
        $float = Import-Model -LiteralPath $convPath
        $q = $float | Invoke-Quantization DynamicRange -ComputeType BFloat16 -Granularity PerTensor
        $q.Transform | Should -Match 'bfloat16'
        @($q.QuantizationReport | Where-Object Quantized) | Should -HaveCount 4
        @($q.QuantizationReport | Where-Object Quantized).Granularity | Sort-Object -Unique | Should -Be 'per-tensor'
        $out = Join-Path $TestDrive 'conv_bf16'
        $q | Export-Model -Path $out
        $back = Import-Model -LiteralPath $out
        $a = ($float | Invoke-Model -Input @(, $digit)).Outputs[0].Data
        $b = ($back | Invoke-Model -Input @(, $digit)).Outputs[0].Data
        for ($i = 0; $i -lt $a.Count; $i++) { [math]::Abs($a[$i] - $b[$i]) | Should -BeLessThan 0.05 }
    }

    It 'still re-exports an unchanged SavedModel byte for byte' -Skip:(-not $HasSharedModels) {
        $out = Join-Path $TestDrive 'conv_copy'
        Import-Model -LiteralPath $convPath | Export-Model -Path $out
        foreach ($f in 'saved_model.pb', 'variables/variables.index', 'variables/variables.data-00000-of-00001') {
            (Get-FileHash -LiteralPath (Join-Path $out $f)).Hash | Should -Be (Get-FileHash -LiteralPath (Join-Path $convPath $f)).Hash
        }
    }

    It 'refuses other modes on a SavedModel with ParameterCombinationInvalid, saying to convert first' -Skip:(-not $HasSharedModels) {
        $m = Import-Model -LiteralPath $mlpPath
        $m | Invoke-Quantization FullInteger -ErrorAction SilentlyContinue -ErrorVariable err | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be "ParameterCombinationInvalid$quantizeId"
        $err[0].Exception.Message | Should -Match 'DynamicRange only'
        $err[0].ErrorDetails.RecommendedAction | Should -Match 'Export-Model -Format Tflite'
    }

    It 'refuses TFLite-only parameters on a SavedModel and -ComputeType on a TFLite model' -Skip:(-not $HasSharedModels) {
        Import-Model -LiteralPath $mlpPath | Invoke-Quantization DynamicRange -Granularity Blockwise -ErrorAction SilentlyContinue -ErrorVariable e1
        Import-Model -LiteralPath $mlpPath | Invoke-Quantization DynamicRange -NoBiasCorrection -ErrorAction SilentlyContinue -ErrorVariable e2
        Import-Model -LiteralPath $MnistPath | Invoke-Quantization DynamicRange -ComputeType BFloat16 -ErrorAction SilentlyContinue -ErrorVariable e3
        $e1[0].FullyQualifiedErrorId | Should -Be "ParameterCombinationInvalid$quantizeId"
        $e2[0].FullyQualifiedErrorId | Should -Be "ParameterCombinationInvalid$quantizeId"
        $e3[0].FullyQualifiedErrorId | Should -Be "ParameterCombinationInvalid$quantizeId"
        { Import-Model -LiteralPath $MnistPath | Invoke-Quantization FullInteger -ComputeType BFloat16 -ErrorAction Stop } |
            Should -Throw -ErrorId "ParameterCombinationInvalid$quantizeId"
    }
}

Describe 'Layer exclusion on SavedModels' {
    It 'lists the TensorFlow weight layers with their op types and decisions' -Skip:(-not $HasSharedModels) {
        $m = Import-Model -LiteralPath $convPath
        $layers = @($m | Get-ModelLayer)
        @($layers | Where-Object OpType -EQ 'Conv2D') | Should -HaveCount 3
        @($layers | Where-Object OpType -EQ 'MatMul') | Should -HaveCount 2
        $layers.Decision | Sort-Object -Unique | Should -Be 'Quantize'
        ($m | Get-ModelLayer -OpType MatMul).Name | Should -Be @('MatMul', 'MatMul_1')
        ($layers | Where-Object Name -EQ 'MatMul').ParameterCount | Should -Be (1176 * 200)
    }

    It 'keeps the weights of excluded layers float in the quantized and re-imported SavedModel' -Skip:(-not $HasSharedModels) {
        $m = Import-Model -LiteralPath $convPath
        $m | Set-LayerExclusion -OpType Conv2D -Reason 'accuracy'
        $m | Set-LayerExclusion -Name 'MatMul_1'
        $conv = @($m | Get-ModelLayer -OpType Conv2D)
        $conv.Decision | Sort-Object -Unique | Should -Be 'Float'
        $conv[0].DecisionRule.Reason | Should -Be 'accuracy'
        ($m | Get-ModelLayer -Name MatMul).Decision | Should -Be 'Quantize'

        $q = $m | Invoke-Quantization DynamicRange
        ($q.QuantizationReport | Where-Object Quantized).Variable | Should -Be 'Variable_6'
        ($q.QuantizationReport | Where-Object Variable -EQ 'Variable_2').Reason | Should -Match 'excluded by the plan'
        $out = Join-Path $TestDrive 'conv_partial'
        $q | Export-Model -Path $out
        $types = @{}
        (Import-Model -LiteralPath $out).TensorFlowGraph.Variables | ForEach-Object { $types[$_.Name] = "$($_.DataType)" }
        $types['Variable_6'] | Should -Be 'Int8'
        $types['Variable_2'] | Should -Not -Be 'Int8'
        $types['Variable_8'] | Should -Not -Be 'Int8'

        $m | Clear-LayerExclusion
        @($m | Invoke-Quantization DynamicRange).QuantizationReport.Where({ $_.Quantized }).Count | Should -Be 4
    }

    It 'matches rules against variable names and regular expressions' -Skip:(-not $HasSharedModels) {
        $m = Import-Model -LiteralPath $mlpPath
        $m | Set-LayerExclusion -Pattern '^(model/)?dense_1/'
        @($m | Get-ModelLayer | Where-Object Decision -EQ 'Float').Name | Should -Match 'dense_1/'
        $m | Clear-LayerExclusion
        $kernel = 'layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE'
        $m | Set-LayerExclusion -Name $kernel
        @($m | Get-ModelLayer -OpType MatMul | Where-Object Decision -EQ 'Float') | Should -Not -BeNullOrEmpty
        ($m | Invoke-Quantization DynamicRange -MinWeightElements 0).QuantizationReport.Where({ $_.Variable -eq $kernel }).Quantized | Should -BeFalse
    }

    It 'reports LayerNotFound for a literal name or op type that matches no SavedModel layer' -Skip:(-not $HasSharedModels) {
        $m = Import-Model -LiteralPath $mlpPath
        $m | Set-LayerExclusion -Name 'no_such_node' -ErrorAction SilentlyContinue -ErrorVariable e1
        $m | Set-LayerExclusion -OpType Conv2D -ErrorAction SilentlyContinue -ErrorVariable e2
        $m | Get-ModelLayer -Name 'no_such_node' -ErrorAction SilentlyContinue -ErrorVariable e3
        $e1[0].FullyQualifiedErrorId | Should -Be "LayerNotFound$excludeId"
        $e2[0].FullyQualifiedErrorId | Should -Be "LayerNotFound$excludeId"
        $e3[0].FullyQualifiedErrorId | Should -Be "LayerNotFound$layerId"
        $m.Plan.Rules | Should -HaveCount 0
    }
}
