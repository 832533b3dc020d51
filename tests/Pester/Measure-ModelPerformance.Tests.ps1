BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $fqid = ',ModelOptimization.PowerShell.Commands.MeasureModelPerformanceCommand'
    $hello = Import-Model -LiteralPath $HelloPath
}

Describe 'Measure-ModelPerformance' {
    Context 'Binding and output' {
        It 'measures a piped model and writes median, min and mean latency and peak memory' {
            $p = $hello | Measure-ModelPerformance -Runs 7 -Warmup 1
            $p | Should -HaveCount 1
            $p | Should -BeOfType ModelOptimization.PowerShell.Model.ModelPerformance
            $p.ModelName | Should -Be 'hello_world_float'
            $p.Runs | Should -Be 7
            $p.Warmup | Should -Be 1
            $p.LatenciesMilliseconds | Should -HaveCount 7
            $p.MinMilliseconds | Should -BeGreaterThan 0
            $p.MinMilliseconds | Should -BeLessOrEqual $p.MedianMilliseconds
            $p.MedianMilliseconds | Should -BeLessOrEqual $p.MaxMilliseconds
            $p.MeanMilliseconds | Should -BeLessOrEqual $p.MaxMilliseconds
            $p.PeakMemoryBytes | Should -BeGreaterThan 0
        }

        It 'uses 50 runs and 5 warm-up runs by default' {
            $p = Measure-ModelPerformance -InputObject $hello
            $p.Runs | Should -Be 50
            $p.Warmup | Should -Be 5
        }

        It 'uses the thread count given' {
            ($hello | Measure-ModelPerformance -Runs 2 -ThreadCount 1).ThreadCount | Should -Be 1
        }

        It 'writes one object per piped model' {
            ($hello, $hello | Measure-ModelPerformance -Runs 2 -Warmup 0) | Should -HaveCount 2
        }
    }

    Context 'Errors' {
        It 'rejects -Runs 0' {
            { $hello | Measure-ModelPerformance -Runs 0 } | Should -Throw -ErrorId "ParameterArgumentValidationError$fqid"
        }

        It 'rejects a negative -Warmup' {
            { $hello | Measure-ModelPerformance -Warmup -1 } | Should -Throw -ErrorId "ParameterArgumentValidationError$fqid"
        }
    }

    Context 'Formatting and help' {
        It 'has a table view and a one-line ToString' {
            (Get-FormatData -TypeName ModelOptimization.PowerShell.Model.ModelPerformance) | Should -Not -BeNullOrEmpty
            $p = $hello | Measure-ModelPerformance -Runs 2 -Warmup 0
            ($p | Out-String) | Should -Match 'Median \(ms\)'
            "$p" | Should -Match '^hello_world_float: median [\d.]+ ms, min [\d.]+ ms, mean [\d.]+ ms \(2 runs'
        }

        It 'has help with a synopsis, a description and examples' {
            $help = Get-Help Measure-ModelPerformance -Full
            $help.Synopsis | Should -Not -BeNullOrEmpty
            $help.Examples.Example.Count | Should -BeGreaterOrEqual 1
        }
    }
}
