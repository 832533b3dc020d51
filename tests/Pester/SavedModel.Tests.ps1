BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $halfPlusTwo = Join-Path $SharedModels 'savedmodel/half_plus_two_tf2'
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
