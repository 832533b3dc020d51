BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $fqid = ',ModelOptimization.PowerShell.Commands.SetLayerExclusionCommand'
}

Describe 'Set-LayerExclusion' {
    BeforeEach {
        $m = Import-Model $MnistPath
    }

    It 'adds an exclusion rule to the plan of the given model and writes nothing' {
        $out = $m | Set-LayerExclusion -OpType SOFTMAX -Reason 'exact'
        $out | Should -BeNullOrEmpty
        $m.Plan.Rules | Should -HaveCount 1
        $m.Plan.Rules[0].Action | Should -Be 'Exclude'
        $m.Plan.Rules[0].Reason | Should -Be 'exact'
        ($m | Get-ModelLayer | Where-Object OpType -EQ SOFTMAX).Decision | Should -Be 'Float'
    }

    It 'writes the same model with -PassThru' {
        $out = $m | Set-LayerExclusion -Index 0 -PassThru
        [object]::ReferenceEquals($out, $m) | Should -BeTrue
    }

    It 'selects by wildcard name, regex pattern and index' {
        $m | Set-LayerExclusion -Name 'sequential/dense*'
        $m | Set-LayerExclusion -Pattern 'average_pooling'
        $m | Set-LayerExclusion 'StatefulPartitionedCall:0'
        $float = $m | Get-ModelLayer | Where-Object Decision -EQ 'Float' | ForEach-Object OpType
        $float | Should -Be @('AVERAGE_POOL_2D', 'FULLY_CONNECTED', 'FULLY_CONNECTED', 'SOFTMAX')
    }

    It 'adds an include rule with its own mode' {
        $m | Set-LayerExclusion -Index 0 -Include -Mode Int16x8
        $m.Plan.Rules[0].Action | Should -Be 'Include'
        $m.Plan.Rules[0].Mode | Should -Be 'Int16x8'
    }

    It 'changes nothing with -WhatIf' {
        $m | Set-LayerExclusion -OpType SOFTMAX -WhatIf
        $m.Plan.Rules | Should -HaveCount 0
    }

    It 'reports LayerNotFound for a literal name that matches nothing' {
        $m | Set-LayerExclusion -Name 'no such layer' -ErrorAction SilentlyContinue -ErrorVariable err
        $err[0].FullyQualifiedErrorId | Should -Be "LayerNotFound$fqid"
        $m.Plan.Rules | Should -HaveCount 0
    }

    It 'reports LayerNotFound for an op type or index the model does not have' {
        $m | Set-LayerExclusion -OpType LSTM -ErrorAction SilentlyContinue -ErrorVariable e1
        $m | Set-LayerExclusion -Index 99 -ErrorAction SilentlyContinue -ErrorVariable e2
        $e1[0].FullyQualifiedErrorId | Should -Be "LayerNotFound$fqid"
        $e2[0].FullyQualifiedErrorId | Should -Be "LayerNotFound$fqid"
    }

    It 'warns, but adds the rule, when a wildcard matches nothing' {
        $m | Set-LayerExclusion -Name 'zzz*' -WarningVariable w -WarningAction SilentlyContinue
        $w | Should -HaveCount 1
        $m.Plan.Rules | Should -HaveCount 1
    }

    It 'stops with ParameterCombinationInvalid without a selector, for -Mode without -Include, and for a bad -Pattern' {
        { $m | Set-LayerExclusion -ErrorAction Stop } | Should -Throw -ErrorId "ParameterCombinationInvalid$fqid"
        { $m | Set-LayerExclusion -Index 0 -Mode Int16x8 -ErrorAction Stop } | Should -Throw -ErrorId "ParameterCombinationInvalid$fqid"
        { $m | Set-LayerExclusion -Pattern '(' -ErrorAction Stop } | Should -Throw -ErrorId "ParameterCombinationInvalid$fqid"
    }

    It 'completes layer names of the model on the command line' {
        $global:completionModel = $m
        try {
            Get-CompletionText 'Set-LayerExclusion -InputObject $global:completionModel -Name sequential/dense_1' | Should -Contain 'sequential/dense_1/MatMul'
        }
        finally {
            Remove-Variable -Name completionModel -Scope Global
        }
    }
}
