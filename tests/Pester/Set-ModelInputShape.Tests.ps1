BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $fqid = ',ModelOptimization.PowerShell.Commands.SetModelInputShapeCommand'
    $mnist = Import-Model $MnistPath
    $hello = Import-Model $HelloPath
    $mnistInput = 'serving_default_conv2d_input:0'
    $helloInput = 'serving_default_dense_input:0'

    function Get-IoShape($Model) {
        $io = $Model | Get-ModelTensor | Where-Object { $_.IsInput -or $_.IsOutput }
        @{ In = ($io | Where-Object IsInput).Shape -join ','; Out = ($io | Where-Object IsOutput).Shape -join ',' }
    }
}

Describe 'Set-ModelInputShape' {
    Context 'Reshaping' {
        It 'writes a new model whose input has the new shape, and propagates it to the output' {
            $batch4 = $mnist | Set-ModelInputShape 4, 28, 28, 1
            $batch4 | Should -HaveCount 1
            $batch4 | Should -BeOfType ModelOptimization.Core.Graph.Model
            $shapes = Get-IoShape $batch4
            $shapes.In | Should -Be '4,28,28,1'
            $shapes.Out | Should -Be '4,10'
        }

        It 'never changes the model it is given' {
            $before = Get-IoShape $mnist
            $new = Set-ModelInputShape -InputObject $mnist -Shape 2, 28, 28, 1
            [object]::ReferenceEquals($new, $mnist) | Should -BeFalse
            $after = Get-IoShape $mnist
            $after.In | Should -Be $before.In
            $after.Out | Should -Be $before.Out
        }

        It 'reshapes the input named by -Name' {
            $batch8 = $hello | Set-ModelInputShape -Name $helloInput -Shape 8, 1
            (Get-IoShape $batch8).In | Should -Be '8,1'
            (Get-IoShape $batch8).Out | Should -Be '8,1'
        }

        It 'takes -Shape and -Name by position' {
            $batch3 = $hello | Set-ModelInputShape 3, 1 $helloInput
            (Get-IoShape $batch3).In | Should -Be '3,1'
        }

        It 'reshapes every piped model' {
            $models = $hello, $hello | Set-ModelInputShape 5, 1
            $models | Should -HaveCount 2
            $models | ForEach-Object { (Get-IoShape $_).In | Should -Be '5,1' }
        }

        It 'writes a model that exports and reads back with its new shape' {
            $out = Join-Path $TestDrive 'batch4.tflite'
            $file = $mnist | Set-ModelInputShape 4, 28, 28, 1 | Export-Model $out -PassThru
            (Get-IoShape (Import-Model -LiteralPath $file.FullName)).Out | Should -Be '4,10'
        }
    }

    Context 'Errors' {
        It 'reports an input name the model does not have as InputNotFound' {
            $mnist | Set-ModelInputShape -Name 'no such input' -Shape 1, 28, 28, 1 -ErrorVariable err -ErrorAction SilentlyContinue |
                Should -BeNullOrEmpty
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be "InputNotFound$fqid"
        }

        It 'reports a shape of the wrong rank as ShapeMismatch' {
            { $mnist | Set-ModelInputShape -Shape 28, 28 -ErrorAction Stop } | Should -Throw -ErrorId "ShapeMismatch$fqid"
        }

        It 'reports a non-positive dimension as ShapeMismatch' {
            { $mnist | Set-ModelInputShape -Shape 0, 28, 28, 1 -ErrorAction Stop } | Should -Throw -ErrorId "ShapeMismatch$fqid"
        }

        It 'goes on with the next model after a failure' {
            $models = $mnist, $hello | Set-ModelInputShape 2, 1 -ErrorVariable err -ErrorAction SilentlyContinue
            $err | Should -HaveCount 1
            $models | Should -HaveCount 1
            (Get-IoShape $models).In | Should -Be '2,1'
        }
    }

    Context 'Tab completion' {
        BeforeAll { $global:ModelOptCompletionModel = $mnist }
        AfterAll { Remove-Variable -Name ModelOptCompletionModel -Scope Global -ErrorAction Ignore }

        It 'completes the input names of the model bound to -InputObject' {
            Get-CompletionText 'Set-ModelInputShape -InputObject $ModelOptCompletionModel -Shape 1,28,28,1 -Name ser' |
                Should -Be $mnistInput
        }
    }
}
