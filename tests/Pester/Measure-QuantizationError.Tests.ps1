BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $fqid = ',ModelOptimization.PowerShell.Commands.MeasureQuantizationErrorCommand'
    $digits = Import-Dataset (Join-Path $AssetsPath 'mnist-first100-images-idx3-ubyte.gz') -Scale (1 / 255) -Shape 1, 28, 28, 1 -First 20
    $float = Import-Model $MnistPath
    $int8 = $float | Invoke-Quantization FullInteger -CalibrationData $digits
}

Describe 'Measure-QuantizationError' {
    It 'writes one record per quantized layer in graph order, named as Get-ModelLayer names them' {
        $records = @($int8 | Measure-QuantizationError $digits)
        $records.Count | Should -BeGreaterThan 3
        $indices = $records.LayerIndex
        ($indices | Sort-Object) -join ',' | Should -Be ($indices -join ',')
        $names = (Get-ModelLayer -InputObject $float).Name
        foreach ($r in $records) {
            $names | Should -Contain $r.LayerName
            $r.Samples | Should -Be 20
            $r.SqnrDb | Should -BeGreaterThan 10
            $r.CosineSimilarity | Should -BeGreaterThan 0.9
        }
        $conv = $records | Where-Object OpType -EQ 'CONV_2D' | Select-Object -First 1
        $conv.RmseOverScale | Should -BeGreaterThan 0.1
        $conv.RmseOverScale | Should -BeLessThan 0.7
        $conv.WeightScale.Count | Should -BeGreaterThan 1
    }

    It 'computes what a direct comparison of Invoke-Model -IncludeIntermediate gives (first layer, one sample)' {
        $sample = @($digits.GetSamples())[0]
        $r = $int8 | Measure-QuantizationError (, $sample) | Select-Object -First 1
        $f = (Invoke-Model -InputObject $float -Input (, $sample) -IncludeIntermediate).Tensors | Where-Object Name -EQ $r.LayerName
        $q = (Invoke-Model -InputObject $int8 -Input (, $sample) -IncludeIntermediate).Tensors | Where-Object Name -EQ $r.LayerName
        $signal = 0.0; $noise = 0.0
        for ($i = 0; $i -lt $f.Data.Length; $i++) {
            $dq = ([double]$q.Data[$i] - $q.Quantization.ZeroPoint[0]) * $q.Quantization.Scale[0]
            $signal += [double]$f.Data[$i] * $f.Data[$i]
            $noise += ($dq - $f.Data[$i]) * ($dq - $f.Data[$i])
        }
        $r.SqnrDb | Should -BeGreaterThan (10 * [Math]::Log10($signal / $noise) - 0.01)
        $r.SqnrDb | Should -BeLessThan (10 * [Math]::Log10($signal / $noise) + 0.01)
        $r.MeanSquaredError | Should -BeGreaterThan ($noise / $f.Data.Length * 0.999)
        $r.MeanSquaredError | Should -BeLessThan ($noise / $f.Data.Length * 1.001)
    }

    It 'shows smaller error for a deep layer in Isolated mode than in Accumulated mode' {
        $acc = @($int8 | Measure-QuantizationError $digits)[-1]
        $iso = @($int8 | Measure-QuantizationError $digits -Mode Isolated)[-1]
        $iso.Mode | Should -Be 'Isolated'
        $iso.LayerName | Should -Be $acc.LayerName
        $iso.MeanSquaredError | Should -BeLessOrEqual $acc.MeanSquaredError
    }

    It 'writes the output summary with -Summary and on the information stream otherwise' {
        $s = $int8 | Measure-QuantizationError $digits -Summary
        $s.Top1Agreement | Should -BeGreaterThan 0.8
        $s.KlDivergence | Should -Not -BeNullOrEmpty
        $null = $int8 | Measure-QuantizationError $digits -InformationVariable info
        "$info" | Should -Match 'SQNR'
    }

    It 'suggests exclusions that pipe into Set-LayerExclusion with their reason' {
        $copy = Import-Model $MnistPath
        $suggested = @($int8 | Measure-QuantizationError $digits -SuggestExclusion -Threshold 0)
        $suggested.Count | Should -BeGreaterThan 0
        $suggested[0].Reason | Should -Match 'RMSE/scale|SQNR'
        $suggested | Set-LayerExclusion -InputObject $copy
        $copy.Plan.Rules.Count | Should -Be $suggested.Count
        $again = $copy | Invoke-Quantization FullInteger -CalibrationData $digits
        ($again.QuantizationReport | Where-Object Name -EQ $suggested[0].LayerName).Decision | Should -Be 'Float'
        @($int8 | Measure-QuantizationError $digits -SuggestExclusion -Threshold 100 -MinSqnrDb -100).Count | Should -Be 0
    }

    It 'exports flat records to CSV and draws a plot' {
        $csv = Join-Path $TestDrive 'e.csv'
        $png = Join-Path $TestDrive 'e.png'
        $int8 | Measure-QuantizationError $digits -Plot $png | Export-Csv -LiteralPath $csv
        (Import-Csv -LiteralPath $csv)[0].PSObject.Properties.Name | Should -Contain 'RmseOverScale'
        (Get-Item -LiteralPath $png).Length | Should -BeGreaterThan 1000
        [IO.File]::ReadAllBytes($png)[1..3] | Should -Be ([byte[]][char[]]'PNG')
    }

    It 'works for DynamicRange (float outputs: RmseOverScale is NaN)' {
        $dr = $float | Invoke-Quantization DynamicRange
        $r = @($dr | Measure-QuantizationError $digits)
        $r.Count | Should -BeGreaterThan 0
        [double]::IsNaN($r[0].RmseOverScale) | Should -BeTrue
    }

    It 'needs -Reference for a model that does not remember its float twin, and reports GraphStructureMismatch for a stranger' {
        $file = Join-Path $TestDrive 'q.tflite'
        $int8 | Export-Model $file
        $fromDisk = Import-Model $file
        $fromDisk | Measure-QuantizationError $digits -ErrorAction SilentlyContinue -ErrorVariable e1
        $e1[0].FullyQualifiedErrorId | Should -Be "ParameterCombinationInvalid$fqid"
        @($fromDisk | Measure-QuantizationError $digits -Reference $float).Count | Should -Be @($int8 | Measure-QuantizationError $digits).Count
        $hello = Import-Model $HelloPath
        $fromDisk | Measure-QuantizationError $digits -Reference $hello -ErrorAction SilentlyContinue -ErrorVariable e2
        $e2[0].FullyQualifiedErrorId | Should -Match '^(GraphStructureMismatch|InputDataInvalid),'
    }

    Context 'SavedModel' {
        BeforeAll {
            $tfPath = Join-Path $SharedModels 'savedmodel/mnist_conv_tf1'
            $tfFloat = if (Test-Path -LiteralPath $tfPath) { Import-Model -LiteralPath $tfPath }
            $tfInt8 = if ($tfFloat) { $tfFloat | Invoke-Quantization -Mode DynamicRange }
            # mnist_conv_tf1 was trained on raw 0..255 pixels.
            $pixels = Import-Dataset (Join-Path $AssetsPath 'mnist-first100-images-idx3-ubyte.gz') -Shape 1, 28, 28, 1 -First 10
        }

        It 'measures a quantized SavedModel by the TensorFlow layers Get-ModelLayer shows' {
            if (-not $tfFloat) { Set-ItResult -Skipped -Because $NoSharedModels; return }
            $records = @($tfInt8 | Measure-QuantizationError $pixels)
            $layers = Get-ModelLayer -InputObject $tfFloat
            $quantizedLayers = $tfInt8.QuantizationReport | Where-Object Quantized | ForEach-Object { $_.Layers } | Sort-Object -Unique
            ($records.LayerName | Sort-Object) -join ',' | Should -Be (($quantizedLayers | Sort-Object) -join ',')
            foreach ($r in $records) {
                ($layers | Where-Object Name -EQ $r.LayerName).Index | Should -Be $r.LayerIndex
                $r.OpType | Should -BeIn 'Conv2D', 'MatMul'
                $r.SqnrDb | Should -BeGreaterThan 25
                $r.Samples | Should -Be 10
            }
            ($tfInt8 | Measure-QuantizationError $pixels -Summary).Top1Agreement | Should -BeGreaterThan 0.8
        }

        It 'measures a quantized SavedModel read from disk against the float one given with -Reference' {
            if (-not $tfFloat) { Set-ItResult -Skipped -Because $NoSharedModels; return }
            $out = Join-Path $TestDrive 'mnist_tf_int8'
            $tfInt8 | Export-Model $out
            $fromDisk = Import-Model -LiteralPath $out
            $a = @($fromDisk | Measure-QuantizationError $pixels -Reference $tfFloat)
            $b = @($tfInt8 | Measure-QuantizationError $pixels)
            $a.LayerName -join ',' | Should -Be ($b.LayerName -join ',')
            $a.SqnrDb -join ',' | Should -Be ($b.SqnrDb -join ',')
            $fromDisk | Measure-QuantizationError $pixels -Reference $float -ErrorAction SilentlyContinue -ErrorVariable e
            $e[0].FullyQualifiedErrorId | Should -Be "ParameterCombinationInvalid$fqid"
        }

        It 'suggests SavedModel layers that pipe into Set-LayerExclusion on the float SavedModel' {
            if (-not $tfFloat) { Set-ItResult -Skipped -Because $NoSharedModels; return }
            $suggested = @($tfInt8 | Measure-QuantizationError $pixels -SuggestExclusion -MinSqnrDb 45)
            $suggested.Count | Should -BeGreaterThan 0
            $suggested[0].Reason | Should -Match 'SQNR'
            $copy = Import-Model -LiteralPath $tfPath
            $suggested | Set-LayerExclusion -InputObject $copy
            $copy.Plan.Rules.Count | Should -Be $suggested.Count
            $again = $copy | Invoke-Quantization -Mode DynamicRange
            foreach ($s in $suggested) {
                ($again.QuantizationReport | Where-Object { $_.Layers -contains $s.LayerName }).Quantized | Should -BeFalse
            }
            @($again.QuantizationReport | Where-Object Quantized).Count | Should -Be (@($tfInt8.QuantizationReport | Where-Object Quantized).Count - $suggested.Count)
        }
    }

    It 'prints a table' {
        ($int8 | Measure-QuantizationError $digits -MaxSamples 2 | Out-String) | Should -Match 'Index\s+OpType\s+RMSE/scale\s+SQNR dB'
    }
}

Describe 'Invoke-Quantization -TargetSqnrDb' {
    It 'excludes layers until the output SQNR reaches the target, and says what it excluded' {
        $plain = ($int8 | Measure-QuantizationError $digits -Summary).SqnrDb
        $q = $float | Invoke-Quantization FullInteger -CalibrationData $digits -TargetSqnrDb ($plain + 6) -InformationVariable info
        $q.AccuracyAware.FinalSqnrDb | Should -BeGreaterOrEqual ($plain + 6)
        $q.AccuracyAware.ExcludedLayers.Count | Should -BeGreaterThan 0
        "$info" | Should -Match 'exclude'
        $float.Plan.Rules.Count | Should -Be 0
    }

    It 'stops with AccuracyTargetUnreachable when no exclusion is allowed' {
        $float | Invoke-Quantization FullInteger -CalibrationData $digits -TargetSqnrDb 150 -MaxExcludedLayers 0 -ErrorAction SilentlyContinue -ErrorVariable e
        $e[0].FullyQualifiedErrorId | Should -Be 'AccuracyTargetUnreachable,ModelOptimization.PowerShell.Commands.InvokeQuantizationCommand'
    }

    It 'rejects -MaxExcludedLayers without a target' {
        { $float | Invoke-Quantization FullInteger -CalibrationData $digits -MaxExcludedLayers 2 -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterCombinationInvalid*'
    }
}
