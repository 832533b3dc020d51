BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $fqid = ',ModelOptimization.PowerShell.Commands.GetModelLayerCommand'
    $mnist = Import-Model $MnistPath
    $hello = Import-Model $HelloPath
    $opTypes = 'CONV_2D', 'AVERAGE_POOL_2D', 'RESHAPE', 'FULLY_CONNECTED', 'FULLY_CONNECTED', 'SOFTMAX'
}

Describe 'Get-ModelLayer' {
    Context 'Output' {
        It 'writes one layer per operator, in execution order' {
            $layers = $mnist | Get-ModelLayer
            $layers | Should -HaveCount 6
            $layers | Should -BeOfType ModelOptimization.PowerShell.Model.ModelLayer
            $layers.OpType | Should -Be $opTypes
            $layers.Index | Should -Be (0..5)
            $layers.Subgraph | Should -Be @(0, 0, 0, 0, 0, 0)
            $layers.Version | Should -Be @(1, 1, 1, 1, 1, 1)
        }

        It 'names each layer by its first output tensor, as LayerRef does' {
            $layers = $mnist | Get-ModelLayer
            foreach ($l in $layers) {
                $l.Name | Should -Be $l.Outputs[0].Name
                $l.Name | Should -Be ([ModelOptimization.Core.Graph.LayerRef]::Of($mnist, $l.Subgraph, $l.Index).Name)
            }
            $layers[5].Name | Should -Be 'StatefulPartitionedCall:0'
        }

        It 'lists the tensors of a layer with name, shape, type and constness' {
            $conv = $mnist | Get-ModelLayer -OpType CONV_2D
            $conv.Inputs | Should -HaveCount 3
            $conv.Inputs[0].Name | Should -Be 'serving_default_conv2d_input:0'
            $conv.Inputs[0].Shape | Should -Be @(1, 28, 28, 1)
            $conv.Inputs[0].DataType | Should -Be 'Float32'
            $conv.Inputs[0].IsConstant | Should -BeFalse
            $conv.Inputs[1].Shape | Should -Be @(8, 3, 3, 1)
            $conv.Inputs[1].IsConstant | Should -BeTrue
            $conv.Inputs[1].Quantization | Should -BeNullOrEmpty
            $conv.Outputs[0].Shape | Should -Be @(1, 28, 28, 8)
        }

        It 'keeps the place of an absent optional input with index -1' {
            $fc = ($mnist | Get-ModelLayer -OpType FULLY_CONNECTED)[1]
            $fc.Inputs | Should -HaveCount 3
            $fc.Inputs[2].Index | Should -Be -1
            $fc.Inputs[2].ToString() | Should -Be '(none)'
        }

        It 'counts the elements of the constant inputs as parameters' {
            $layers = $mnist | Get-ModelLayer
            $layers.ParameterCount | Should -Be @(80, 0, 2, 50208, 320, 0)
            ($layers | Measure-Object ParameterCount -Sum).Sum | Should -Be $mnist.ParameterCount
        }

        It 'shows the default decision of the plan: Quantize, decided by no rule' {
            $layers = $mnist | Get-ModelLayer
            $layers.Decision | Should -Be (@('Quantize') * 6)
            $layers | ForEach-Object { $_.DecisionRule | Should -BeNullOrEmpty }
        }

        It 'shows the decision and the rule of a plan that keeps a layer float' {
            $planned = $mnist.Clone()
            $rule = [ModelOptimization.Core.Quantization.LayerRule]@{ OpType = [string[]]@('SOFTMAX'); Reason = 'accuracy' }
            $planned.Plan.Rules.Add($rule)
            $layers = $planned | Get-ModelLayer
            $layers[5].Decision | Should -Be 'Float'
            $layers[5].DecisionRule | Should -Be $rule
            $layers[0].Decision | Should -Be 'Quantize'
            ($mnist | Get-ModelLayer)[5].Decision | Should -Be 'Quantize'
        }

        It 'carries the layer reference and the model' {
            $l = ($mnist | Get-ModelLayer)[3]
            $l.Layer | Should -Be ([ModelOptimization.Core.Graph.LayerRef]::Of($mnist, 0, 3))
            [object]::ReferenceEquals($l.Model, $mnist) | Should -BeTrue
        }

        It 'has a one-line ToString' {
            $text = ($mnist | Get-ModelLayer)[3].ToString()
            $text | Should -Be '[0:3] sequential/dense/MatMul;sequential/dense/Relu;sequential/dense/BiasAdd FULLY_CONNECTED v1 (50,208 parameters, Quantize)'
        }

        It 'formats as a table by default' {
            $text = $mnist | Get-ModelLayer | Out-String -Width 200
            $text | Should -Match 'Index\s+OpType\s+Output\s+Parameters\s+Decision\s+Name'
            $text | Should -Match 'conv_fc_mnist_float, subgraph 0'
            $text | Should -Match '3 FULLY_CONNECTED\s+float32\[1,32\]\s+50,208 Quantize'
        }
    }

    Context 'Filters' {
        It 'selects layers by wildcard name' {
            ($mnist | Get-ModelLayer -Name '*dense*').Index | Should -Be @(3, 4)
        }

        It 'selects a layer by literal name, given by position' {
            $l = $mnist | Get-ModelLayer 'StatefulPartitionedCall:0'
            $l.OpType | Should -Be 'SOFTMAX'
        }

        It 'matches names case-insensitively' {
            ($mnist | Get-ModelLayer -Name 'SEQUENTIAL/FLATTEN/RESHAPE').Index | Should -Be 2
        }

        It 'selects layers by op type, case-insensitively and with wildcards' {
            ($mnist | Get-ModelLayer -OpType fully_connected).Index | Should -Be @(3, 4)
            ($mnist | Get-ModelLayer -OpType '*POOL*').OpType | Should -Be 'AVERAGE_POOL_2D'
            ($mnist | Get-ModelLayer -OpType CONV_2D, SOFTMAX).Index | Should -Be @(0, 5)
        }

        It 'combines -Name and -OpType' {
            ($mnist | Get-ModelLayer -Name '*dense*' -OpType FULLY_CONNECTED).Index | Should -Be @(3, 4)
            $mnist | Get-ModelLayer -Name '*dense*' -OpType SOFTMAX | Should -BeNullOrEmpty
        }

        It 'selects a subgraph' {
            ($mnist | Get-ModelLayer -Subgraph 0) | Should -HaveCount 6
        }

        It 'writes nothing and no error for a wildcard that matches nothing' {
            $mnist | Get-ModelLayer -Name 'nothing*' -ErrorVariable err | Should -BeNullOrEmpty
            $err | Should -HaveCount 0
        }

        It 'lists the layers of every piped model' {
            $layers = $mnist, $hello | Get-ModelLayer
            $layers | Should -HaveCount 9
            ($layers | Where-Object { $_.Model.Name -eq 'hello_world_float' }).OpType | Should -Be (@('FULLY_CONNECTED') * 3)
        }
    }

    Context 'Errors' {
        It 'reports a literal name that matches no layer as LayerNotFound and still writes the others' {
            $layers = $mnist | Get-ModelLayer -Name 'no such layer', 'StatefulPartitionedCall:0' -ErrorVariable err -ErrorAction SilentlyContinue
            $layers.OpType | Should -Be 'SOFTMAX'
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be "LayerNotFound$fqid"
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err[0].TargetObject | Should -Be 'no such layer'
            $err[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        }

        It 'reports a subgraph the model does not have as SubgraphNotFound' {
            { $mnist | Get-ModelLayer -Subgraph 7 -ErrorAction Stop } | Should -Throw -ErrorId "SubgraphNotFound$fqid"
        }

        It 'rejects a negative subgraph at binding' {
            { $mnist | Get-ModelLayer -Subgraph -1 } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
        }
    }

    Context 'Tab completion' {
        BeforeAll { $global:ModelOptCompletionModel = $mnist }
        AfterAll { Remove-Variable -Name ModelOptCompletionModel -Scope Global -ErrorAction Ignore }

        It 'completes layer names of the model bound to -InputObject' {
            $names = Get-CompletionText 'Get-ModelLayer -InputObject $ModelOptCompletionModel -Name sequential/d'
            $names | Should -Contain "'sequential/dense/MatMul;sequential/dense/Relu;sequential/dense/BiasAdd'"
            $names | Should -Contain 'sequential/dense_1/MatMul'
            $names | Should -Not -Contain 'sequential/flatten/Reshape'
        }

        It 'completes layer names of a model piped from a variable' {
            $names = Get-CompletionText '$ModelOptCompletionModel | Get-ModelLayer -Name State'
            $names | Should -Be 'StatefulPartitionedCall:0'
        }

        It 'completes op types from every TFLite builtin operator' {
            $types = Get-CompletionText 'Get-ModelLayer -InputObject $ModelOptCompletionModel -OpType FULLY'
            $types | Should -Be 'FULLY_CONNECTED'
            $types = Get-CompletionText 'Get-ModelLayer -OpType depthwise'
            $types | Should -Contain 'DEPTHWISE_CONV_2D'
        }
    }

    Context 'Shared models' {
        It 'lists the layers of every subgraph of a multi-subgraph model' {
            $file = Join-Path $SharedModels 'tflite/toy_kv_cache_multi_signature_float.tflite'
            if (-not (Test-Path -LiteralPath $file)) { Set-ItResult -Skipped -Because $NoSharedModels; return }
            $m = Import-Model -LiteralPath $file
            $layers = $m | Get-ModelLayer
            ($layers.Subgraph | Sort-Object -Unique) | Should -Be @(0, 1)
            $layers | Should -HaveCount $m.OperatorCount
            ($m | Get-ModelLayer -Subgraph 1) | Should -HaveCount $m.Subgraphs[1].Operators.Count
        }

        It 'lists the TensorFlow nodes of a SavedModel that compute with a weight' {
            $file = Join-Path $SharedModels 'savedmodel/half_plus_two_tf2'
            if (-not (Test-Path -LiteralPath $file)) { Set-ItResult -Skipped -Because $NoSharedModels; return }
            $layers = @(Import-Model -LiteralPath $file | Get-ModelLayer -WarningVariable warn)
            $warn | Should -BeNullOrEmpty
            $layers | ForEach-Object { "$($_.Name) $($_.OpType)" } | Should -Be @('Mul Mul', 'Add AddV2')
            $layers.ParameterCount | Should -Be @(1, 2)
            $layers.Decision | Should -Be @('Quantize', 'Quantize')
        }

        It 'shows per-channel quantization of a quantized model' {
            $file = Join-Path $SharedModels 'tflite/conv_fc_mnist_int8_a8w8.tflite'
            if (-not (Test-Path -LiteralPath $file)) { Set-ItResult -Skipped -Because $NoSharedModels; return }
            $conv = Import-Model -LiteralPath $file | Get-ModelLayer -OpType CONV_2D
            $conv.Inputs[1].DataType | Should -Be 'Int8'
            $conv.Inputs[1].Quantization | Should -BeLike 'per-channel*'
        }
    }
}
