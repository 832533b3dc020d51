# Runs every example of every cmdlet's help, as a user would paste it at the repository root: each in a fresh
# temporary working copy holding tests/Assets, so examples that write files write them there. An example passes
# when it runs without any error (non-terminating errors count: they are made terminating).

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $examples = foreach ($name in Get-Command -Module ModelOptimization -CommandType Cmdlet | Sort-Object Name | ForEach-Object Name) {
        $n = 0
        foreach ($e in (Get-Help $name -Full).Examples.Example) {
            $n++
            $title = ($e.Title -replace '^-+\s*|\s*-+$', '')
            @{ Command = $name; Number = $n; Title = $title; Code = [string]$e.Code }
        }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

Describe 'Help examples' {
    It '<Command>: <Title>' -ForEach $examples {
        $work = Join-Path $TestDrive "$Command-$Number"
        $null = New-Item -ItemType Directory -Path (Join-Path $work 'tests')
        Copy-Item -LiteralPath $AssetsPath -Destination (Join-Path $work 'tests') -Recurse
        Push-Location -LiteralPath $work
        try {
            $ErrorActionPreference = 'Stop'
            # Formatting the output runs the format views too.
            $output = & ([scriptblock]::Create($Code)) | Out-String -Width 200
            Write-Verbose $output
        }
        finally {
            Pop-Location
        }
    }

    It 'has at least one example for <_>' -ForEach @(Get-Command -Module ModelOptimization -CommandType Cmdlet | Sort-Object Name | ForEach-Object Name) {
        @((Get-Help $_ -Full).Examples.Example).Count | Should -BeGreaterThan 0
    }
}
