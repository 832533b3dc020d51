BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

Describe 'Clear-LayerExclusion' {
    BeforeEach {
        $m = Import-Model $MnistPath
        $m | Set-LayerExclusion -OpType SOFTMAX
        $m | Set-LayerExclusion -Index 0 -Include -Mode Int16x8
    }

    It 'removes every rule and writes nothing' {
        $m | Clear-LayerExclusion | Should -BeNullOrEmpty
        $m.Plan.Rules | Should -HaveCount 0
        ($m | Get-ModelLayer).Decision | Should -Not -Contain 'Float'
    }

    It 'writes the model with -PassThru' {
        [object]::ReferenceEquals(($m | Clear-LayerExclusion -PassThru), $m) | Should -BeTrue
    }

    It 'changes nothing with -WhatIf' {
        $m | Clear-LayerExclusion -WhatIf
        $m.Plan.Rules | Should -HaveCount 2
    }

    It 'clears the plans of every piped model' {
        $n = Import-Model $MnistPath
        $n | Set-LayerExclusion -Index 1
        $m, $n | Clear-LayerExclusion
        $m.Plan.Rules.Count + $n.Plan.Rules.Count | Should -Be 0
    }
}
