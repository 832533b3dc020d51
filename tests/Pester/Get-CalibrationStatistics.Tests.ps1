BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $fqid = ',ModelOptimization.PowerShell.Commands.GetCalibrationStatisticsCommand'
    $digits = Import-Dataset (Join-Path $AssetsPath 'mnist-first100-images-idx3-ubyte.gz') -Scale (1 / 255) -Shape 1, 28, 28, 1
    $mnist = Import-Model $MnistPath
}

Describe 'Get-CalibrationStatistics' {
    It 'records every float activation of the model' {
        $s = $mnist | Get-CalibrationStatistics $digits -CalibrationSamples 10
        $s.SampleCount | Should -Be 10
        $s.Tensors | Should -HaveCount 7
        ($s.Tensors | Where-Object Name -EQ 'serving_default_conv2d_input:0').Max | Should -Be 1
    }

    It 'saves with -OutFile and reads back with -Path' {
        $file = Join-Path $TestDrive 's.json'
        $s = $mnist | Get-CalibrationStatistics $digits -CalibrationSamples 5 -OutFile $file
        $back = Get-CalibrationStatistics -Path $file
        $back.ToJson() | Should -Be $s.ToJson()
        $mnist | Get-CalibrationStatistics $digits -CalibrationSamples 5 -OutFile $file -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be "OutputFileExists$fqid"
    }

    It 'reports CalibrationDataInvalid for NaN and for a malformed file' {
        $bad = [float[]]::new(784); $bad[0] = [float]::NaN
        $mnist | Get-CalibrationStatistics (, $bad) -ErrorAction SilentlyContinue -ErrorVariable e1
        $e1[0].FullyQualifiedErrorId | Should -Be "CalibrationDataInvalid$fqid"
        $file = Join-Path $TestDrive 'bad.json'
        Set-Content -LiteralPath $file -Value '{}'
        Get-CalibrationStatistics -Path $file -ErrorAction SilentlyContinue -ErrorVariable e2
        $e2[0].FullyQualifiedErrorId | Should -Be "CalibrationDataInvalid$fqid"
    }

    It 'prints a table' {
        ($mnist | Get-CalibrationStatistics $digits -CalibrationSamples 2 | Out-String) | Should -Match 'ModelName\s+Samples\s+Tensors'
    }
}
