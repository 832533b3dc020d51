BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $fqid = ',ModelOptimization.PowerShell.Commands.ExportQuantizationRecipeCommand'
}

Describe 'Export-QuantizationRecipe' {
    BeforeEach {
        $m = Import-Model $MnistPath
        $m | Set-LayerExclusion -OpType SOFTMAX -Reason 'exact'
        $path = Join-Path $TestDrive "r$([guid]::NewGuid().ToString('N').Substring(0, 6)).json"
    }

    It 'writes the plan as a JSON recipe' {
        $m | Export-QuantizationRecipe $path
        $json = Get-Content -LiteralPath $path -Raw | ConvertFrom-Json
        $json.format | Should -Be 'ModelOptimization.QuantizationRecipe'
        $json.rules[0].opType | Should -Be 'SOFTMAX'
        $json.rules[0].action | Should -Be 'exclude'
        $json.rules[0].reason | Should -Be 'exact'
    }

    It 'writes the FileInfo with -PassThru' {
        ($m | Export-QuantizationRecipe $path -PassThru).FullName | Should -Be $path
    }

    It 'refuses to overwrite without -Force (OutputFileExists) and overwrites with it' {
        Set-Content -LiteralPath $path -Value 'old'
        $m | Export-QuantizationRecipe $path -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be "OutputFileExists$fqid"
        Get-Content -LiteralPath $path | Should -Be 'old'
        $m | Export-QuantizationRecipe $path -Force
        (Get-Content -LiteralPath $path -Raw | ConvertFrom-Json).rules | Should -HaveCount 1
    }

    It 'writes nothing with -WhatIf' {
        $m | Export-QuantizationRecipe $path -WhatIf
        Test-Path -LiteralPath $path | Should -BeFalse
    }

    It 'saves a plan object given to -Plan' {
        Export-QuantizationRecipe -Plan $m.Plan -Path $path
        (Import-QuantizationRecipe -LiteralPath $path).Rules | Should -HaveCount 1
    }

    It 'leaves no temporary files' {
        $m | Export-QuantizationRecipe $path
        @(Get-ChildItem $TestDrive -Filter *.tmp) | Should -HaveCount 0
    }
}
