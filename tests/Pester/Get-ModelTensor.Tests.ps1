BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $fqid = ',ModelOptimization.PowerShell.Commands.GetModelTensorCommand'
    $mnist = Import-Model $MnistPath
    $hello = Import-Model $HelloPath
}

Describe 'Get-ModelTensor' {
    Context 'Output' {
        It 'writes one object per tensor' {
            $tensors = $mnist | Get-ModelTensor
            $tensors | Should -HaveCount $mnist.Subgraphs[0].Tensors.Count
            $tensors | Should -BeOfType ModelOptimization.PowerShell.Model.ModelTensor
            $tensors.Index | Should -Be (0..($tensors.Count - 1))
        }

        It 'describes the input: shape, shape signature, type and role' {
            $in = $mnist | Get-ModelTensor | Where-Object IsInput
            $in | Should -HaveCount 1
            $in.Name | Should -Be 'serving_default_conv2d_input:0'
            $in.Shape | Should -Be @(1, 28, 28, 1)
            $in.ShapeSignature | Should -Be @(-1, 28, 28, 1)
            $in.DataType | Should -Be 'Float32'
            $in.IsOutput | Should -BeFalse
            $in.IsConstant | Should -BeFalse
            $in.IsVariable | Should -BeFalse
            $in.SizeBytes | Should -Be (28 * 28 * 4)
        }

        It 'describes the output' {
            $out = $mnist | Get-ModelTensor | Where-Object IsOutput
            $out.Name | Should -Be 'StatefulPartitionedCall:0'
            $out.Shape | Should -Be @(1, 10)
        }

        It 'gives constant tensors the size of their data' {
            $w = $mnist | Get-ModelTensor -Name 'arith.constant1'
            $w.IsConstant | Should -BeTrue
            $w.Shape | Should -Be @(32, 1568)
            $w.SizeBytes | Should -Be (32 * 1568 * 4)
            $shape = $mnist | Get-ModelTensor -Name 'arith.constant3'
            $shape.DataType | Should -Be 'Int32'
            $shape.SizeBytes | Should -Be 8
        }

        It 'has no quantization or sparsity for a float model' {
            $tensors = $mnist | Get-ModelTensor
            $tensors.Granularity | Sort-Object -Unique | Should -Be 'None'
            $tensors | ForEach-Object {
                $_.Scale | Should -BeNullOrEmpty
                $_.ZeroPoint | Should -BeNullOrEmpty
                $_.QuantizedDimension | Should -BeNullOrEmpty
                $_.Quantization | Should -BeNullOrEmpty
                $_.Sparsity | Should -BeNullOrEmpty
            }
        }

        It 'has a one-line ToString' {
            ($mnist | Get-ModelTensor -Name 'serving_default_conv2d_input:0').ToString() |
                Should -Be '[0:0] serving_default_conv2d_input:0 float32[1, 28, 28, 1] input'
        }

        It 'formats as a table by default' {
            $text = $mnist | Get-ModelTensor | Out-String -Width 200
            $text | Should -Match 'Index\s+DataType\s+Shape\s+Role\s+Quantization\s+SizeBytes\s+Name'
            $text | Should -Match '0 float32\s+\[1,28,28,1\]\s+input'
        }
    }

    Context 'Filters' {
        It 'selects tensors by wildcard, case-insensitively' {
            ($mnist | Get-ModelTensor -Name 'ARITH.*').Name | Should -Be @('arith.constant', 'arith.constant1', 'arith.constant2', 'arith.constant3')
        }

        It 'selects a tensor by literal name, given by position' {
            ($mnist | Get-ModelTensor 'StatefulPartitionedCall:0').IsOutput | Should -BeTrue
        }

        It 'selects a subgraph' {
            ($mnist | Get-ModelTensor -Subgraph 0) | Should -HaveCount $mnist.Subgraphs[0].Tensors.Count
        }

        It 'lists the tensors of every piped model' {
            $tensors = $mnist, $hello | Get-ModelTensor
            $tensors | Should -HaveCount ($mnist.Subgraphs[0].Tensors.Count + $hello.Subgraphs[0].Tensors.Count)
        }
    }

    Context 'Errors' {
        It 'reports a literal name that matches no tensor as TensorNotFound and still writes the others' {
            $t = $mnist | Get-ModelTensor -Name 'no such tensor', 'arith.constant' -ErrorVariable err -ErrorAction SilentlyContinue
            $t.Name | Should -Be 'arith.constant'
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be "TensorNotFound$fqid"
            $err[0].TargetObject | Should -Be 'no such tensor'
        }

        It 'reports a subgraph the model does not have as SubgraphNotFound' {
            { $mnist | Get-ModelTensor -Subgraph 3 -ErrorAction Stop } | Should -Throw -ErrorId "SubgraphNotFound$fqid"
        }
    }

    Context 'Tab completion' {
        BeforeAll { $global:ModelOptCompletionModel = $mnist }
        AfterAll { Remove-Variable -Name ModelOptCompletionModel -Scope Global -ErrorAction Ignore }

        It 'completes tensor names of the model bound to -InputObject' {
            $names = Get-CompletionText 'Get-ModelTensor -InputObject $ModelOptCompletionModel -Name arith'
            $names | Should -Be @('arith.constant', 'arith.constant1', 'arith.constant2', 'arith.constant3')
        }

        It 'offers nothing when no model is known' {
            Get-CompletionText 'Get-ModelTensor -Name arith' | Should -BeNullOrEmpty
        }
    }

    Context 'Shared models' {
        It 'shows per-channel scales, zero points and the quantized dimension of int8 weights' {
            $file = Join-Path $SharedModels 'tflite/conv_fc_mnist_int8_a8w8.tflite'
            if (-not (Test-Path -LiteralPath $file)) { Set-ItResult -Skipped -Because $NoSharedModels; return }
            $m = Import-Model -LiteralPath $file
            $conv = $m | Get-ModelLayer -OpType CONV_2D
            $w = $m | Get-ModelTensor -Name $conv.Inputs[1].Name
            $w.DataType | Should -Be 'Int8'
            $w.Granularity | Should -Be 'PerChannel'
            $w.Scale | Should -HaveCount 8
            $w.ZeroPoint | Should -HaveCount 8
            $w.QuantizedDimension | Should -Be 0
            $w.SizeBytes | Should -Be 72
            $in = $m | Get-ModelTensor | Where-Object IsInput
            $in.Granularity | Should -BeIn @('None', 'PerTensor')
        }

        It 'summarizes the sparsity of a sparse tensor' {
            $file = Join-Path $SharedModels 'tflite/sparse_int8_fakeop.tflite'
            if (-not (Test-Path -LiteralPath $file)) { Set-ItResult -Skipped -Because $NoSharedModels; return }
            $sparse = Import-Model -LiteralPath $file | Get-ModelTensor | Where-Object Sparsity
            $sparse | Should -Not -BeNullOrEmpty
            $sparse[0].Sparsity | Should -BeLike 'sparse*'
        }
    }
}
