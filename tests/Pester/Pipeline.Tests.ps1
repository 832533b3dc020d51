# The user experience end to end: one model object travels the pipeline (ImportExcel's Open | Add | Export -PassThru).

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

Describe 'Pipelines' {
    It 'Get-ChildItem | Import-Model | Get-ModelLayer lists the layers of every model in a folder' {
        $layers = Get-ChildItem $AssetsPath -Filter *.tflite | Import-Model | Get-ModelLayer
        $layers | Should -HaveCount 9
        ($layers | Group-Object { $_.Model.Name } | Sort-Object Name | ForEach-Object Count) | Should -Be @(6, 3)
    }

    It 'Get-ChildItem | Import-Model | Get-ModelTensor | Where-Object IsInput finds the input of every model' {
        $inputs = Get-ChildItem $AssetsPath -Filter *.tflite | Import-Model | Get-ModelTensor | Where-Object IsInput
        $inputs.Name | Should -Be @('serving_default_conv2d_input:0', 'serving_default_dense_input:0')
    }

    It 'Export-Model -PassThru | Import-Model reads back what was written' {
        $out = Join-Path $TestDrive 'roundtrip.tflite'
        $original = Import-Model $MnistPath
        $copy = $original | Export-Model $out -PassThru | Import-Model
        $copy.SourcePath | Should -Be $out
        [ModelOptimization.Core.Graph.ModelComparer]::FindFirstDifference($original, $copy) | Should -BeNullOrEmpty
    }

    It 'copies a folder of models: Get-ChildItem | Import-Model | Export-Model -PassThru | Import-Model' {
        $target = Join-Path $TestDrive 'copies'
        $null = New-Item -ItemType Directory -Path $target
        $copies = Get-ChildItem $AssetsPath -Filter *.tflite | Import-Model |
            ForEach-Object { $_ | Export-Model (Join-Path $target "$($_.Name).tflite") -PassThru } |
            Import-Model
        $copies.Name | Should -Be @('conv_fc_mnist_float', 'hello_world_float')
        @(Get-ChildItem $target).Count | Should -Be 2
    }

    It 'Import-Model | Set-ModelInputShape | Export-Model -PassThru | Import-Model keeps the new shape' {
        $out = Join-Path $TestDrive 'batch2.tflite'
        $m = Import-Model $HelloPath | Set-ModelInputShape 2, 1 | Export-Model $out -PassThru | Import-Model
        ($m | Get-ModelTensor | Where-Object IsInput).Shape | Should -Be @(2, 1)
    }

    It 'goes on past a bad file in the middle of a pipeline' {
        $dir = Join-Path $TestDrive 'mixed'
        $null = New-Item -ItemType Directory -Path $dir
        Copy-Item $MnistPath, $HelloPath -Destination $dir
        Set-Content -LiteralPath (Join-Path $dir 'broken.tflite') -Value 'broken'
        $layers = Get-ChildItem $dir -Filter *.tflite | Import-Model -ErrorVariable err -ErrorAction SilentlyContinue | Get-ModelLayer
        $layers | Should -HaveCount 9
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike '*,ModelOptimization.PowerShell.Commands.ImportModelCommand'
    }

    It 'stops cleanly on Ctrl+C: no error records, no half-written files' {
        $dir = Join-Path $TestDrive 'stopped'
        $null = New-Item -ItemType Directory -Path $dir
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript({
                    param($ModulePath, $HelloPath, $Dir)
                    Import-Module $ModulePath
                    $m = Import-Model -LiteralPath $HelloPath
                    foreach ($i in 1..100000) { $m | Export-Model (Join-Path $Dir "$i.tflite") -PassThru | Import-Model }
                }).AddArgument($ModulePath).AddArgument($HelloPath).AddArgument($dir)
            $async = $ps.BeginInvoke()
            $deadline = [datetime]::UtcNow.AddSeconds(30)
            while (@(Get-ChildItem -LiteralPath $dir -Filter *.tflite).Count -lt 3 -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $ps.Stop()
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
            $ps.Streams.Error | Should -HaveCount 0
            @(Get-ChildItem -LiteralPath $dir -Force | Where-Object Name -Like '*.tmp') | Should -HaveCount 0
            foreach ($f in Get-ChildItem -LiteralPath $dir -Filter *.tflite) { (Import-Model -LiteralPath $f.FullName).Name | Should -Be $f.BaseName }
        }
        finally {
            $ps.Dispose()
        }
    }
}
