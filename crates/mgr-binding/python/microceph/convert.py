"""Ceph's objects to plain data and back, field by field, with no decisions.

The extension returns plain dicts; these functions build the pure-Python Ceph
classes the orchestrator CLI, the dashboard and other mgr modules expect, so
everything returned across modules is picklable and importable by them.  Specs
go out through ``to_json()`` and come back through ``ServiceSpec.from_json``;
no ``isinstance`` check on a Ceph class is made, because class identity differs
between ceph-mgr's sub-interpreters.
"""

import datetime
from typing import Any, Dict, List

import orchestrator
from ceph.deployment.hostspec import HostSpec
from ceph.deployment.inventory import Device, Devices
from ceph.deployment.service_spec import ServiceSpec, service_spec_allow_invalid_from_json


def spec_to_json(spec: Any) -> Dict[str, Any]:
    """A spec as JSON data, always with its ``service_type`` (``host`` for a ``HostSpec``)."""
    data = dict(spec.to_json())
    data.setdefault('service_type', spec.service_type)
    return data


def spec_from_json(data: Dict[str, Any]) -> ServiceSpec:
    """A stored or listed spec, read back without validation: ``orch ls`` shows it as it is."""
    with service_spec_allow_invalid_from_json():
        return ServiceSpec.from_json(dict(data))


def timestamp(seconds: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)


def host_spec(item: Dict[str, Any]) -> HostSpec:
    return HostSpec(item['hostname'], addr=item['addr'], labels=list(item['labels']),
                    status=item['status'])


def service_description(item: Dict[str, Any],
                        observed_at: float) -> orchestrator.ServiceDescription:
    spec = spec_from_json(item['spec'])
    events = [
        orchestrator.OrchestratorEvent(timestamp(event['created']), 'service',
                                       spec.service_name(), event['level'], event['message'])
        for event in item['events']
    ]
    return orchestrator.ServiceDescription(
        spec,
        size=int(item['size']),
        running=int(item['running']),
        ports=list(item['ports']),
        events=events,
        last_refresh=timestamp(observed_at),
    )


def daemon_description(item: Dict[str, Any], observed_at: float) -> orchestrator.DaemonDescription:
    started = item['started']
    return orchestrator.DaemonDescription(
        daemon_type=item['daemon_type'],
        daemon_id=item['daemon_id'],
        hostname=item['hostname'],
        service_name=item['service_name'],
        ip=item['ip'],
        ports=list(item['ports']),
        status=orchestrator.DaemonDescriptionStatus(int(item['status'])),
        status_desc=item['status_desc'],
        version=item['version'],
        started=timestamp(started) if started is not None else None,
        is_active=bool(item['is_active']),
        rank=item['rank'],
        last_refresh=timestamp(observed_at),
    )


def inventory_host(item: Dict[str, Any], observed_at: float) -> orchestrator.InventoryHost:
    devices: List[Device] = [
        Device(
            device['path'],
            sys_api=dict(device['sys_api']),
            available=bool(device['available']),
            rejected_reasons=list(device['rejected_reasons']),
            lvs=[],
            device_id=device['device_id'],
            lsm_data={},
            created=timestamp(observed_at),
        )
        for device in item['devices']
    ]
    return orchestrator.InventoryHost(item['name'], Devices(devices), labels=[], addr=item['addr'])
